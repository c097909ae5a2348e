import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { defaultMigrationsDir, migrate, migrationChecksum, readMigrations } from "@/lib/db/migrate";

const adminUrl = process.env.CERTDOOR_TEST_ADMIN_URL!;

async function freshDatabase(): Promise<string> {
  const name = `m_${Math.random().toString(16).slice(2, 10)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return adminUrl.replace(/\/postgres$/, `/${name}`);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** A fresh database with this repository's migrations applied from a copy of the folder, to edit. */
async function migratedCopy(): Promise<{ url: string; dir: string; firstFile: string; firstName: string }> {
  const url = await freshDatabase();
  const dir = await mkdtemp(path.join(os.tmpdir(), "certdoor-migrations-"));
  await cp(defaultMigrationsDir, dir, { recursive: true });
  await migrate(url, { dir });
  const [first] = await readMigrations(dir);
  return { url, dir, firstName: first!.name, firstFile: path.join(dir, first!.name, "migration.sql") };
}

describe("migration runner", () => {
  it("applies every migration once and records it exactly as Prisma Migrate does", async () => {
    const url = await freshDatabase();
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);

    const first = await migrate(url);
    expect(first.applied).toEqual(migrations.map((m) => m.name));

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
      logs: string | null;
      rolled_back_at: Date | null;
    }>(url, `SELECT * FROM "_prisma_migrations" ORDER BY started_at`);
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const row of rows) {
      const sql = await readFile(path.join(defaultMigrationsDir, row.migration_name, "migration.sql"), "utf8");
      expect(row.checksum).toBe(migrationChecksum(sql));
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }

    const second = await migrate(url);
    expect(second.applied).toEqual([]);
    const tables = await query<{ table_name: string }>(
      url,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(["User", "Frontdoor", "CertificateRequestToken", "ClientCertificate", "AuditEvent", "_prisma_migrations"]),
    );
  });

  it("migrates once when several instances start at the same moment", async () => {
    const url = await freshDatabase();
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    const appliedCounts = results.map((r) => r.applied.length).sort();
    const total = (await readMigrations()).length;
    expect(appliedCounts).toEqual([0, 0, total]);
    const rows = await query<{ n: string }>(url, `SELECT count(*)::text AS n FROM "_prisma_migrations"`);
    expect(rows[0]?.n).toBe(String(total));
  });

  it("refuses, with a clear message, a migration whose file changed after it was applied", async () => {
    const { url, dir, firstFile, firstName } = await migratedCopy();
    await writeFile(firstFile, `${await readFile(firstFile, "utf8")}\n-- an innocent-looking edit\nSELECT 1;\n`);
    await expect(migrate(url, { dir })).rejects.toThrow(new RegExp(`${firstName} was modified after it was applied`));
  });

  it("accepts the same migration checked out with CRLF line endings", async () => {
    const { url, dir, firstFile } = await migratedCopy();
    await writeFile(firstFile, (await readFile(firstFile, "utf8")).replace(/\n/g, "\r\n"));
    await expect(migrate(url, { dir })).resolves.toEqual(expect.objectContaining({ applied: [] }));
  });

  it("rolls back a failing migration completely and records nothing", async () => {
    const url = await freshDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), "certdoor-migrations-"));
    await cp(defaultMigrationsDir, dir, { recursive: true });
    const broken = path.join(dir, "29991231000000_broken");
    await cp(path.join(defaultMigrationsDir, (await readMigrations())[0]!.name), broken, { recursive: true });
    await writeFile(path.join(broken, "migration.sql"), `CREATE TABLE "Half" (id int);\nSELECT * FROM "NoSuchTable";\n`);

    await expect(migrate(url, { dir })).rejects.toThrow(/29991231000000_broken failed and was rolled back/);
    const half = await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'`);
    expect(half).toHaveLength(0);
    const recorded = await query(url, `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '29991231000000_broken'`);
    expect(recorded).toHaveLength(0);
  });
});

describe("the trust-domains migration", () => {
  // On an installation made before it, every issuing CA hung under the one root: afterwards
  // each names that root as its parent, and the root is marked shared, which is what makes
  // the Frontdoor's next rotation give it a root of its own.
  const MIGRATION = "20261130090000_trust_domains";

  it("points every existing issuing CA at the installation root and marks that root shared", async () => {
    const url = await freshDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), "certdoor-migrations-"));
    for (const m of await readMigrations()) if (m.name < MIGRATION) await cp(path.join(defaultMigrationsDir, m.name), path.join(dir, m.name), { recursive: true });
    await migrate(url, { dir });
    const ca = (id: string, kind: string, frontdoorId: string | null) =>
      `('${id}', '${kind}', ${frontdoorId ? `'${frontdoorId}'` : "NULL"}, 'CN=${id}', '01', 'pem', 'v1.x', 'EC-P256', now(), now() + interval '1 year')`;
    const [fdA, fdB, root, caA, caB] = ["0a", "0b", "f0", "fa", "fb"].map((n) => `00000000-0000-4000-8000-0000000000${n}`);
    await query(url, `
      INSERT INTO "Frontdoor" ("id", "name", "updatedAt") VALUES ('${fdA}', 'a', now()), ('${fdB}', 'b', now());
      INSERT INTO "CertificateAuthority" ("id", "kind", "frontdoorId", "subject", "serialNumber", "certificatePem", "encryptedPrivateKey", "keyAlgorithm", "notBefore", "notAfter")
      VALUES ${ca(root!, "root", null)}, ${ca(caA!, "intermediate", fdA!)}, ${ca(caB!, "intermediate", fdB!)}`);

    await cp(path.join(defaultMigrationsDir, MIGRATION), path.join(dir, MIGRATION), { recursive: true });
    expect((await migrate(url, { dir })).applied).toEqual([MIGRATION]);
    expect(await query(url, `SELECT "id"::text, "kind"::text, "parentId"::text, "isSharedRoot" FROM "CertificateAuthority" ORDER BY "id"`)).toEqual([
      { id: root, kind: "root", parentId: null, isSharedRoot: true },
      { id: caA, kind: "intermediate", parentId: root, isSharedRoot: false },
      { id: caB, kind: "intermediate", parentId: root, isSharedRoot: false },
    ]);
  });
});
