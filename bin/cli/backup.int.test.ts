import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { dataPaths } from "@/lib/runtime/data-dir";
import { startEmbeddedPostgres } from "@/lib/runtime/embedded-postgres";
import { emptyDatabase, fingerprint, makeInstallation, query } from "@/lib/testing/backup-fixtures";

// The real `certdoor backup` and `restore` against this file's database, a new database on
// the test server, and a brand-new embedded PostgreSQL that the CLI initialises itself in a
// fresh data folder, as on a new machine.

const root = path.resolve(import.meta.dirname, "..", "..");
const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-cli-backup-"));
const file = path.join(dir, "certdoor.backup.gz");

function certdoor(environment: Record<string, string | undefined>, ...args: string[]) {
  const result = spawnSync(process.execPath, ["--conditions=react-server", path.join(root, "bin", "certdoor.mjs"), ...args], {
    cwd: root,
    env: { ...process.env, ...environment },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const onDatabase = (url: string) => ({ DATABASE_URL: url });
/** The embedded default in `dataDir`: no DATABASE_URL, no master key but the data folder's. */
const embeddedIn = (dataDir: string) => ({ DATABASE_URL: undefined, CERTDOOR_MASTER_KEY: undefined, AUTH_SECRET: undefined, CERTDOOR_DATA_DIR: dataDir });

let source: Awaited<ReturnType<typeof fingerprint>>;

beforeAll(async () => {
  await makeInstallation(100);
  source = await fingerprint(env.DATABASE_URL!);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("certdoor backup and restore", () => {
  it("backs up to a file and restores it into an empty database, which then verifies; a second restore there is refused in one line", async () => {
    const backup = certdoor(onDatabase(env.DATABASE_URL!), "backup", "--out", file, "--json");
    expect(backup.code, backup.stderr).toBe(0);
    const header = JSON.parse(backup.stdout);
    expect(header).toMatchObject({ file, format: "certdoor-backup", skippedTables: ["RateLimit"], sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(header.tables).toEqual(expect.arrayContaining([{ name: "AuditEvent", rows: source.contents.AuditEvent!.rows }]));

    const target = await emptyDatabase();
    const restore = certdoor(onDatabase(target), "restore", file);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/^Restored [\d,]+ rows in \d+ tables and \d+ queued jobs, at migration \d+_\w+ from /);
    expect(restore.stdout).not.toMatch(/PKCS#11/); // no HSM-held key: nothing to say about one
    expect(await fingerprint(target)).toEqual(source);
    const verify = certdoor(onDatabase(target), "audit", "verify");
    expect(verify.code, verify.stderr).toBe(0);

    // (`audit verify` has sealed the two events the backup held unsealed, as every migrating command does.)
    const before = await fingerprint(target);
    const again = certdoor(onDatabase(target), "restore", file);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^certdoor: database_not_empty: The database is not empty: it has rows in .*AuditEvent \(\d+\).*nothing was changed.*\n$/);
    expect(again.stderr.trim().split("\n")).toHaveLength(1);
    expect(await fingerprint(target)).toEqual(before);
  }, 300_000);

  it("restores into a brand-new embedded PostgreSQL given the old master-key file, and refuses without it", async () => {
    const refused = certdoor(embeddedIn(path.join(dir, "no-key")), "restore", file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^certdoor: master_key_mismatch: .*CA private keys.*nothing was changed/);

    // As the README says: the old installation's master-key file goes into the new data folder first.
    const paths = dataPaths(path.join(dir, "new-machine"));
    mkdirSync(paths.root, { recursive: true });
    writeFileSync(paths.masterKey, `${env.CERTDOOR_MASTER_KEY}\n`, { mode: 0o600 });
    const restore = certdoor(embeddedIn(paths.root), "restore", file);
    expect(restore.code, restore.stderr).toBe(0);

    // The CLI stopped the PostgreSQL it initialised; start it here and compare every table.
    const database = await startEmbeddedPostgres(paths);
    try {
      expect(await fingerprint(database.url)).toEqual(source);
    } finally {
      await database.stop();
    }
    const verify = certdoor(embeddedIn(paths.root), "audit", "verify", "--json");
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ isIntact: true, checked: expect.any(Number) });
  }, 300_000);

  it("says, when CA keys are in a PKCS#11 token, that the backup holds only their references and that restored CAs sign with CA_KEY_STORE's token", async () => {
    const hsmCa = "00000000-0000-4000-8000-00000000f00d";
    await query(env.DATABASE_URL!, `INSERT INTO "CertificateAuthority" ("id", "kind", "subject", "serialNumber", "certificatePem", "keyAlgorithm", "notBefore", "notAfter", "keyStore", "keyReference", "retiredAt")
      SELECT '${hsmCa}', 'root', 'CN=HSM root', '01', "certificatePem", "keyAlgorithm", "notBefore", "notAfter", 'pkcs11', 'pkcs11:token=t;object=x', now() FROM "CertificateAuthority" LIMIT 1`);
    try {
      const hsmFile = path.join(dir, "hsm.backup.gz");
      const backup = certdoor(onDatabase(env.DATABASE_URL!), "backup", "--out", hsmFile);
      expect(backup.code, backup.stderr).toBe(0);
      expect(backup.stdout).toMatch(/^1 CA key is in a PKCS#11 token: this backup holds only its reference, not the key\. Backing up the token is yours, with the HSM's own means\.$/m);
      const restore = certdoor(onDatabase(await emptyDatabase()), "restore", hsmFile);
      expect(restore.code, restore.stderr).toBe(0);
      expect(restore.stdout).toMatch(/^1 restored CA key is a reference to a PKCS#11 token: the restored CAs sign with whatever token CA_KEY_STORE points to, which must hold that key/m);
    } finally {
      await query(env.DATABASE_URL!, `DELETE FROM "CertificateAuthority" WHERE "id" = '${hsmCa}'`);
    }
  }, 300_000);

  it("says how it is used, with exit 2 for a wrong invocation and 1 for a damaged file", () => {
    const help = certdoor({}, "backup", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: certdoor backup --out FILE\n/);
    expect(certdoor({}, "help", "restore")).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: certdoor restore FILE\n[\s\S]*  FILE +the backup file/) });
    expect(certdoor({}, "restore", "-h").code).toBe(0);

    const noOut = certdoor(onDatabase(env.DATABASE_URL!), "backup");
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("backup: --out is required");
    expect(certdoor(onDatabase(env.DATABASE_URL!), "restore").code).toBe(2);
    expect(certdoor(onDatabase(env.DATABASE_URL!), "restore", path.join(dir, "missing.gz")).stderr).toContain("cannot read the backup file");

    const damaged = path.join(dir, "damaged.gz");
    const bytes = readFileSync(file);
    bytes[bytes.length - 12]! ^= 0xff;
    writeFileSync(damaged, bytes);
    const refused = certdoor(onDatabase(env.DATABASE_URL!), "restore", damaged);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^certdoor: backup_invalid: .* is not an intact Certdoor backup: /);
  }, 300_000);
});
