import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { expect, it } from "vitest";
import { defaultMigrationsDir, migrate, readMigrations } from "@/lib/db/migrate";

// The trust-domains migration on an installation made before it: every issuing CA hung
// under the one root. Afterwards each names that root as its parent, and the root is
// marked shared, which is what makes the Frontdoor's next rotation give it a root of its own.

const MIGRATION = "20261130090000_trust_domains";
const adminUrl = process.env.CERTDOOR_TEST_ADMIN_URL!;

async function run<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

it("points every existing issuing CA at the installation root and marks that root shared", async () => {
  const name = `m_${Math.random().toString(16).slice(2, 10)}`;
  await run(adminUrl, `CREATE DATABASE ${name}`);
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), "certdoor-migrations-"));
  try {
    // The migrations as they were before this one.
    for (const m of await readMigrations()) if (m.name < MIGRATION) await cp(path.join(defaultMigrationsDir, m.name), path.join(dir, m.name), { recursive: true });
    await cp(path.join(defaultMigrationsDir, "migration_lock.toml"), path.join(dir, "migration_lock.toml")).catch(() => undefined);
    await migrate(url, { dir });
    const ca = (id: string, kind: string, frontdoorId: string | null) =>
      `('${id}', '${kind}', ${frontdoorId ? `'${frontdoorId}'` : "NULL"}, 'CN=${id}', '01', 'pem', 'v1.x', 'EC-P256', now(), now() + interval '1 year')`;
    await run(url, `
      INSERT INTO "Frontdoor" ("id", "name", "updatedAt") VALUES ('00000000-0000-4000-8000-00000000000a', 'a', now()), ('00000000-0000-4000-8000-00000000000b', 'b', now());
      INSERT INTO "CertificateAuthority" ("id", "kind", "frontdoorId", "subject", "serialNumber", "certificatePem", "encryptedPrivateKey", "keyAlgorithm", "notBefore", "notAfter") VALUES
        ${ca("00000000-0000-4000-8000-0000000000f0", "root", null)},
        ${ca("00000000-0000-4000-8000-0000000000fa", "intermediate", "00000000-0000-4000-8000-00000000000a")},
        ${ca("00000000-0000-4000-8000-0000000000fb", "intermediate", "00000000-0000-4000-8000-00000000000b")}`);

    await cp(path.join(defaultMigrationsDir, MIGRATION), path.join(dir, MIGRATION), { recursive: true });
    expect((await migrate(url, { dir })).applied).toContain(MIGRATION);
    expect(await run(url, `SELECT "id"::text, "kind"::text, "parentId"::text, "isSharedRoot" FROM "CertificateAuthority" ORDER BY "id"`)).toEqual([
      { id: "00000000-0000-4000-8000-0000000000f0", kind: "root", parentId: null, isSharedRoot: true },
      { id: "00000000-0000-4000-8000-0000000000fa", kind: "intermediate", parentId: "00000000-0000-4000-8000-0000000000f0", isSharedRoot: false },
      { id: "00000000-0000-4000-8000-0000000000fb", kind: "intermediate", parentId: "00000000-0000-4000-8000-0000000000f0", isSharedRoot: false },
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
