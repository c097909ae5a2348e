import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeBackup } from "@/lib/db/backup/export";
import { BackupError, type BackupHeader } from "@/lib/db/backup/format";
import { restoreBackup } from "@/lib/db/backup/restore";
import { migrate, readMigrations } from "@/lib/db/migrate";
import { sealAuditEvents } from "@/lib/domain/audit/seal";
import { verifyAuditChain } from "@/lib/domain/audit/verify";
import { currentCrl, redeemToken, revokeCertificate } from "@/lib/domain/certificates";
import { seal } from "@/lib/domain/keys";
import { createToken } from "@/lib/domain/tokens";
import { env } from "@/lib/env";
import { emptyDatabase, fingerprint, makeInstallation, onDatabase, query } from "@/lib/testing/backup-fixtures";
import { system } from "@/lib/testing/fixtures";
import { openssl, opensslCsr, verifyClientCertificate } from "@/lib/testing/openssl";

// Backup of a real installation, restored into new databases on the test server, each owned
// by a role without superuser rights (as on managed PostgreSQL).

const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-backup-"));
const file = path.join(dir, "certdoor.backup.gz");
const masterKey = () => env.CERTDOOR_MASTER_KEY!;
const sourceUrl = () => env.DATABASE_URL!;
const redeem = (frontdoorId: string, secret: string) => redeemToken({ frontdoorId, secret, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} });
const crlSerials = (pem: string) => [...openssl(["crl", "-noout", "-text"], { input: pem }).matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1]!.toLowerCase()).sort();
const schemaTables = async (url: string) => (await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = current_schema()`))[0]!.n;
const refusal = (promise: Promise<unknown>) => promise.then(() => expect.fail("restore went ahead"), (error: unknown) => error as BackupError);

let installation: Awaited<ReturnType<typeof makeInstallation>>;
let source: Awaited<ReturnType<typeof fingerprint>>;
let header: BackupHeader;
let restored: string;

beforeAll(async () => {
  installation = await makeInstallation(1000);
  header = await writeBackup(sourceUrl(), file);
  source = await fingerprint(sourceUrl());
  restored = await emptyDatabase({ isCountingCalls: true });
  await restoreBackup(restored, file, { masterKey: masterKey() });
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("backup and restore", () => {
  it("records the migrations, counts and skipped tables, and restores every table, sequence, queued delivery, trigger and key exactly", async () => {
    const local = await readMigrations();
    expect(header).toMatchObject({ format: "certdoor-backup", formatVersion: 1, skippedTables: ["RateLimit"], migrations: local.map(({ name, checksum }) => ({ name, checksum })) });
    expect(header.tables.find((t) => t.name === "AuditEvent")?.rows).toBe(source.contents.AuditEvent!.rows);
    expect(source.contents.AuditEvent!.rows).toBeGreaterThan(1000);
    expect(header.jobs).toBe(source.jobs.length);
    expect(source.jobs.length).toBeGreaterThan(0);
    // Tables backed up are in dependency order: a table after those it references.
    const order = header.tables.map((t) => t.name);
    expect(order.indexOf("Frontdoor")).toBeLessThan(order.indexOf("CertificateRequestToken"));
    expect(order.indexOf("ClientCertificate")).toBeLessThan(order.indexOf("CertificateRequestToken"));

    // The webhook trigger never ran while the restored events went in (the restore's session
    // has ended, so its function call counts are in the statistics).
    const calls = await query<{ calls: number }>(restored, `SELECT calls::int FROM pg_stat_user_functions WHERE funcname = 'certdoor_webhook_enqueue'`);
    expect(calls).toEqual([]);

    const copy = await fingerprint(restored);
    expect(copy).toEqual(source);
    expect(await query(restored, `SELECT migration_name FROM _prisma_migrations ORDER BY 1`)).toEqual(local.map((m) => ({ migration_name: m.name })));
  });

  it("the restored installation works: the CRL lists the same serials, an active token redeems once, the others keep their status, new ids follow the restored ones, webhooks queue again, and the audit chain verifies", async () => {
    const revokedSerials = installation.redeemed.slice(0, 2).map((r) => r.certificate.serialNumber).sort();
    const sourceCrl = await currentCrl(installation.frontdoor.id);
    const maxEventId = (await query<{ id: string }>(sourceUrl(), `SELECT max(id)::text AS id FROM "AuditEvent"`))[0]!.id;

    await onDatabase(restored, async () => {
      const crl = await currentCrl(installation.frontdoor.id);
      expect(crlSerials(crl.pem)).toEqual(revokedSerials);
      expect(Buffer.from(crl.der).equals(Buffer.from(sourceCrl.der))).toBe(true);

      const certificate = await redeem(installation.frontdoor.id, installation.active.token);
      expect(certificate.commonName).toBe("later.example.com");
      expect(verifyClientCertificate(certificate.certificate, certificate.caCertificates)).toContain("OK");
      await expect(redeem(installation.frontdoor.id, installation.active.token)).rejects.toMatchObject({ code: "token_already_used" });
      await expect(redeem(installation.frontdoor.id, installation.expired.token)).rejects.toMatchObject({ code: "token_expired" });
      await expect(redeem(installation.frontdoor.id, installation.revoked.token)).rejects.toMatchObject({ code: "token_revoked" });
      await expect(redeem(installation.frontdoor.id, installation.redeemed[3]!.token.token)).rejects.toMatchObject({ code: "token_already_used" });

      // The CA key opens under the master key: a revocation signs a new CRL listing three.
      await revokeCertificate(system, installation.frontdoor.id, certificate.id, { reason: "cessationOfOperation" });
      expect(crlSerials((await currentCrl(installation.frontdoor.id)).pem)).toEqual([...revokedSerials, certificate.serialNumber].sort());

      const jobs = async () => (await query<{ n: number }>(restored, `SELECT count(*)::int AS n FROM graphile_worker._private_jobs`))[0]!.n;
      const queued = await jobs();
      await createToken(system, installation.frontdoor.id, { name: "after restore" });
      expect(await jobs()).toBe(queued + 1);

      const newIds = await query<{ id: string }>(restored, `SELECT id::text FROM "AuditEvent" WHERE id > $1::bigint`, [maxEventId]);
      expect(newIds.length).toBeGreaterThanOrEqual(3);

      await sealAuditEvents();
      const check = await verifyAuditChain(system);
      expect(check).toMatchObject({ isIntact: true, unsealed: 0, checked: source.contents.AuditEvent!.rows + newIds.length });
    });
  });

  it("refuses a database that has rows, naming them, and changes nothing", async () => {
    const before = await fingerprint(sourceUrl());
    const migrations = await query(sourceUrl(), `SELECT * FROM _prisma_migrations ORDER BY id`);
    const error = await refusal(restoreBackup(sourceUrl(), file, { masterKey: masterKey() }));
    expect(error).toBeInstanceOf(BackupError);
    expect(error.code).toBe("database_not_empty");
    expect(error.message).toMatch(/AuditEvent \(\d+\)/);
    expect(error.message).toContain("nothing was changed");
    expect(await fingerprint(sourceUrl())).toEqual(before);
    expect(await query(sourceUrl(), `SELECT * FROM _prisma_migrations ORDER BY id`)).toEqual(migrations);
  });

  it("refuses a file with one byte changed (compressed or not), a cut-off file and the wrong master key, before touching the database", async () => {
    const target = await emptyDatabase();
    const original = readFileSync(file);

    const flipped = Buffer.from(original);
    flipped[Math.floor(flipped.length / 2)]! ^= 0x01;
    const content = gunzipSync(original).toString("utf8");
    const edited = content.replace("d1.example.com", "d7.example.com");
    expect(edited).not.toBe(content);
    const cases: [string, Buffer][] = [
      ["flipped", flipped],
      ["edited", gzipSync(edited)],
      ["cut", original.subarray(0, Math.floor(original.length * 0.7))],
    ];
    for (const [name, bytes] of cases) {
      const tampered = path.join(dir, `${name}.gz`);
      writeFileSync(tampered, bytes);
      const error = await refusal(restoreBackup(target, tampered, { masterKey: masterKey() }));
      expect(error.code, name).toBe("backup_invalid");
    }
    const edit = await refusal(restoreBackup(target, path.join(dir, "edited.gz"), { masterKey: masterKey() }));
    expect(edit.message).toContain("does not match the SHA-256");

    const wrongKey = await refusal(restoreBackup(target, file, { masterKey: Buffer.alloc(32, 7).toString("base64") }));
    expect(wrongKey.code).toBe("master_key_mismatch");
    expect(wrongKey.message).toContain("CA private keys");
    expect(await schemaTables(target)).toBe(0);
  });

  it("the master-key check samples a sealed CA key even when the first CA's key is in an HSM (no sealed column)", async () => {
    // Rows are written in id order: this HSM-held root comes first and has no sealed key.
    const hsmCa = "00000000-0000-4000-8000-000000000000";
    await query(sourceUrl(), `INSERT INTO "CertificateAuthority" ("id", "kind", "subject", "serialNumber", "certificatePem", "keyAlgorithm", "notBefore", "notAfter", "keyStore", "keyReference", "retiredAt")
      SELECT '${hsmCa}', 'root', 'CN=HSM root', '01', "certificatePem", "keyAlgorithm", "notBefore", "notAfter", 'pkcs11', 'pkcs11:token=t;object=x', now() FROM "CertificateAuthority" LIMIT 1`);
    try {
      const second = path.join(dir, "hsm-first.gz");
      await writeBackup(sourceUrl(), second);
      const target = await emptyDatabase();
      const wrongKey = await refusal(restoreBackup(target, second, { masterKey: Buffer.alloc(32, 7).toString("base64") }));
      expect([wrongKey.code, wrongKey.message]).toEqual(["master_key_mismatch", expect.stringContaining("CA private keys")]);
      expect(await schemaTables(target)).toBe(0);
    } finally {
      await query(sourceUrl(), `DELETE FROM "CertificateAuthority" WHERE "id" = '${hsmCa}'`);
    }
  });

  it("the master-key check samples a pending issuing CA's sealed key too, when no CA key is sealed (all in an HSM)", async () => {
    const only = await emptyDatabase();
    await migrate(only);
    const [frontdoor] = await query<{ id: string }>(only, `INSERT INTO "Frontdoor" ("name", "updatedAt") VALUES ('pending-only', now()) RETURNING "id"::text AS "id"`);
    const pendingId = "00000000-0000-4000-8000-0000000000aa";
    await query(only, `INSERT INTO "PendingIssuingCa" ("id", "frontdoorId", "subject", "csrPem", "publicKeyDer", "encryptedPrivateKey") VALUES ($1, $2, 'CN=Pending', 'csr', $3, $4)`, [
      pendingId,
      frontdoor!.id,
      Buffer.alloc(1),
      seal(new Uint8Array(32), pendingId),
    ]);
    const pendingFile = path.join(dir, "pending-only.gz");
    await writeBackup(only, pendingFile);
    const wrongKey = await refusal(restoreBackup(await emptyDatabase(), pendingFile, { masterKey: Buffer.alloc(32, 7).toString("base64") }));
    expect([wrongKey.code, wrongKey.message]).toEqual(["master_key_mismatch", expect.stringContaining("pending issuing CA keys")]);
  });

  it("a backup taken at an older migration restores onto that schema, then gets the newer migrations; a newer schema or an unknown migration is refused", async () => {
    const local = await readMigrations();
    const older = await emptyDatabase();
    await migrate(older, { upTo: local.at(-2)!.name });
    await query(older, `INSERT INTO "Frontdoor" ("name", "updatedAt") VALUES ('from-before', now())`);
    const olderFile = path.join(dir, "older.gz");
    expect((await writeBackup(older, olderFile)).migrations.at(-1)?.name).toBe(local.at(-2)!.name);

    const ahead = await emptyDatabase();
    await migrate(ahead);
    const past = await refusal(restoreBackup(ahead, olderFile));
    expect(past.code).toBe("backup_incompatible");
    expect(past.message).toContain("past the backup's");

    const behind = path.join(dir, "migrations-behind");
    cpSync(path.resolve("prisma", "migrations"), behind, { recursive: true });
    rmSync(path.join(behind, local.at(-1)!.name), { recursive: true });
    const fresh = await emptyDatabase();
    const unknown = await refusal(restoreBackup(fresh, file, { migrationsDir: behind }));
    expect(unknown.code).toBe("backup_incompatible");
    expect(await schemaTables(fresh)).toBe(0);

    const result = await restoreBackup(fresh, olderFile);
    expect(result.appliedAfter).toEqual([local.at(-1)!.name]);
    expect(await query(fresh, `SELECT name FROM "Frontdoor"`)).toEqual([{ name: "from-before" }]);
    expect((await query(fresh, `SELECT count(*)::int AS n FROM _prisma_migrations`))[0]).toEqual({ n: local.length });
  });
});
