import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { authenticateApiKey } from "@/lib/domain/access/api-keys";
import { createToken } from "@/lib/domain/tokens";
import { verifyCredentials } from "@/lib/domain/access/users";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";

// The real `certdoor` binary against this file's database.

const root = path.resolve(import.meta.dirname, "..", "..");

function certdoor(...args: string[]) {
  const result = spawnSync(process.execPath, ["--conditions=react-server", path.join(root, "bin", "certdoor.mjs"), ...args], {
    cwd: root,
    env: { ...process.env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("certdoor CLI", () => {
  it("creates, lists and switches Frontdoors with JSON output", () => {
    const created = certdoor("frontdoor", "create", "--name", "cli-edge", "--no-tcp-shares", "--json");
    expect(created.code).toBe(0);
    const frontdoor = JSON.parse(created.stdout);
    expect(frontdoor).toMatchObject({ name: "cli-edge", tcpSharesEnabled: false });
    expect(frontdoor.id).toMatch(/^[0-9a-f-]{36}$/);

    const set = certdoor("frontdoor", "set", frontdoor.id, "--tcp-shares", "on", "--json");
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout).tcpSharesEnabled).toBe(true);

    const list = certdoor("frontdoor", "list", "--json");
    expect(JSON.parse(list.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ id: frontdoor.id, tcpSharesEnabled: true })]));
    expect(certdoor("frontdoor", "list").stdout).toMatch(/cli-edge\s+on/);
  });

  it("sets a Frontdoor's profile and name policy, as PATCH does", async () => {
    const frontdoor = await makeFrontdoor();
    const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-policy-"));
    writeFileSync(path.join(dir, "policy.json"), JSON.stringify({ allow: { dns: ["*.ci.example.com"], ip: ["10.0.0.0/8"] }, deny: { commonName: [".prod.example.com"] } }));
    const set = certdoor("frontdoor", "set", frontdoor.id, "--eku", "clientAuth,serverAuth", "--key-types", "EC-P384,RSA-2048", "--max-valid-days", "30", "--allow-wildcards", "on", "--name-policy", path.join(dir, "policy.json"), "--json");
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({
      profile: { extendedKeyUsage: ["clientAuth", "serverAuth"], keyTypes: ["EC-P384", "RSA-2048"], maxValidDays: 30, allowCsrSubjectAltNames: false, allowWildcards: true },
      namePolicy: { allow: { dns: ["*.ci.example.com"], ip: ["10.0.0.0/8"] }, deny: { commonName: [".prod.example.com"] } },
    });
    const stored = await getDb().frontdoor.findUniqueOrThrow({ where: { id: frontdoor.id }, select: { profile: true } });
    expect(stored.profile).toMatchObject({ maxValidDays: 30 });

    writeFileSync(path.join(dir, "bad.json"), JSON.stringify({ allow: { ip: ["10.0.0.1/8"] } }));
    const bad = certdoor("frontdoor", "set", frontdoor.id, "--name-policy", path.join(dir, "bad.json"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--name-policy allow.ip.0: The address has bits set beyond /8: use 10.0.0.0/8");
    writeFileSync(path.join(dir, "not.json"), "{ allow");
    expect(certdoor("frontdoor", "set", frontdoor.id, "--name-policy", path.join(dir, "not.json")).stderr).toContain("is not JSON");
  });

  it("creates a user with a generated password that works, and memberships by Frontdoor id", async () => {
    const frontdoor = JSON.parse(certdoor("frontdoor", "create", "--name", "cli-members", "--json").stdout);
    const result = certdoor("user", "create", "--email", "cli.op@example.test", "--role", "operator", "--frontdoor", frontdoor.id, "--json");
    expect(result.code).toBe(0);
    const user = JSON.parse(result.stdout);
    expect(user).toMatchObject({ email: "cli.op@example.test", role: "operator", frontdoors: [{ id: frontdoor.id, name: "cli-members" }] });
    expect(await verifyCredentials("cli.op@example.test", user.password)).not.toBeNull();

    const given = certdoor("user", "create", "--email", "cli.aud@example.test", "--role", "auditor", "--password", "a long enough password");
    expect(given.code).toBe(0);
    expect(given.stdout).not.toContain("Password:");
    expect(await verifyCredentials("cli.aud@example.test", "a long enough password")).not.toBeNull();
  });

  it("fails clearly on bad arguments: which option, and that command's usage", async () => {
    const unknownFlag = certdoor("frontdoor", "create", "--name", "a", "--colour", "red");
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toContain("frontdoor create: unknown option --colour");
    expect(unknownFlag.stderr).toContain("  certdoor frontdoor create --name NAME [--no-tcp-shares]");
    expect(certdoor("frontdoor", "set", "x", "--tcp-shares", "maybe").stderr).toContain("--tcp-shares takes on, off, not maybe");
    expect(certdoor("frontdoor", "explode").stderr).toContain("  certdoor frontdoor set ID [--name NAME] [--tcp-shares on|off] [--renewal-window-days N]");
    const badRole = certdoor("user", "create", "--email", "r@example.test", "--role", "root");
    expect(badRole.stderr).toContain("--role takes admin, operator, auditor, not root");
    expect(await getDb().user.count({ where: { email: "r@example.test" } })).toBe(0);
  });

  it("creates an API key shown once, stored as a hash, acting as its owner", async () => {
    const owner = await makeUser("operator");
    const result = certdoor("apikey", "create", "--email", owner.email, "--name", "ci pipeline", "--json");
    expect(result.code).toBe(0);
    const created = JSON.parse(result.stdout);
    expect(created.key).toMatch(/^cdk_[0-9A-Za-z]{32}$/);
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    const row = await getDb().apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.keyHash).not.toContain(created.key.slice(4));
    expect((await authenticateApiKey(created.key))?.userId).toBe(owner.user.id);

    const unknownOwner = certdoor("apikey", "create", "--email", "ghost@example.test", "--name", "x");
    expect(unknownOwner.code).toBe(1);
    expect(unknownOwner.stderr).toContain("user_not_found");
  });

  it("purges expired and revoked tokens past the retention", async () => {
    const frontdoor = await makeFrontdoor();
    const old = await createToken(system, frontdoor.id, { name: "old" });
    const fresh = await createToken(system, frontdoor.id, { name: "fresh" });
    await getDb().certificateRequestToken.update({ where: { id: old.id }, data: { expiresAt: new Date(Date.now() - 3 * 86400_000) } });
    await getDb().certificateRequestToken.update({ where: { id: fresh.id }, data: { expiresAt: new Date(Date.now() - 3600_000) } });

    const result = certdoor("tokens", "purge", "--frontdoor", frontdoor.id, "--older-than", "2d", "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ deleted: 1 });
    expect(await getDb().certificateRequestToken.findMany({ where: { frontdoorId: frontdoor.id }, select: { id: true } })).toEqual([{ id: fresh.id }]);

    const bad = certdoor("tokens", "purge", "--older-than", "soon");
    expect(bad.code).toBe(2);
  });

  it("exports the audit log, verifies its keyed chain against a checkpoint, and finds a removed tail or an edited event", async () => {
    certdoor("frontdoor", "create", "--name", "audit-subject");
    const total = await getDb().auditEvent.count();
    const jsonl = certdoor("audit", "export", "--format", "jsonl");
    expect(jsonl.code).toBe(0);
    const lines = jsonl.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(total);
    expect(lines.at(-1)).toMatchObject({ action: "frontdoor.created", seq: String(total), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const csv = certdoor("audit", "export", "--format", "csv", "--since", new Date(Date.now() - 3600_000).toISOString());
    expect(csv.stdout.split("\r\n")[0]).toBe('"id","at","actorKind","actorId","actorLabel","ip","userAgent","action","frontdoorId","targetKind","targetId","details","seq","prevHash","hash","sealedAt"');

    const intact = certdoor("audit", "verify", "--json");
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ isIntact: true, checked: total, unsealed: 0 });

    const checkpoint = certdoor("audit", "checkpoint");
    expect(checkpoint.code).toBe(0);
    expect(JSON.parse(checkpoint.stdout)).toMatchObject({ version: 1, seq: String(total), mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "certdoor-cp-")), "checkpoint.json");
    writeFileSync(file, checkpoint.stdout);
    certdoor("frontdoor", "create", "--name", "after-checkpoint");
    const anchored = certdoor("audit", "verify", "--checkpoint", file);
    expect(anchored.code).toBe(0);
    expect(anchored.stdout).toContain("still reaches the checkpoint's event unchanged");

    // Someone with the database's owner rights removes the newest events: a plain verify
    // cannot tell, the checkpoint can.
    await getDb().$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
    await getDb().$executeRaw`DELETE FROM "AuditEvent" WHERE "seq" >= ${BigInt(total)}`;
    expect(certdoor("audit", "verify").code).toBe(0);
    const cut = certdoor("audit", "verify", "--checkpoint", file);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toContain("newer events were cut off");

    const [middle] = await getDb().$queryRaw<{ id: bigint }[]>`SELECT id FROM "AuditEvent" ORDER BY seq OFFSET ${Math.floor(total / 2)} LIMIT 1`;
    await getDb().$executeRaw`UPDATE "AuditEvent" SET "actorLabel" = 'someone else' WHERE id = ${middle!.id}`;
    await getDb().$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only"`);
    const edited = certdoor("audit", "verify");
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain(`breaks at event ${middle!.id}: its content does not match its hash`);
    expect(certdoor("audit", "verify", "--checkpoint", "/nonexistent/file").code).toBe(2);
  });

  it("sets a Frontdoor's renewal window, and lists the certificates that end soon for scripts", async () => {
    const frontdoor = await makeFrontdoor();
    const set = certdoor("frontdoor", "set", frontdoor.id, "--renewal-window-days", "7", "--json");
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ id: frontdoor.id, renewalWindowDays: 7, tcpSharesEnabled: true });
    expect(certdoor("frontdoor", "set", frontdoor.id, "--renewal-window-days", "-1").code).toBe(2);
    expect(certdoor("frontdoor", "set", frontdoor.id).code).toBe(2);
    // The same change as PATCH /frontdoor/{id}: a new name, audited with its before and after.
    const renamed = `${frontdoor.name}-new`;
    expect(JSON.parse(certdoor("frontdoor", "set", frontdoor.name, "--name", renamed, "--json").stdout)).toMatchObject({ id: frontdoor.id, name: renamed, renewalWindowDays: 7 });
    const events = await getDb().auditEvent.findMany({ where: { frontdoorId: frontdoor.id, action: "frontdoor.updated" }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.details)).toEqual([{ before: { renewalWindowDays: 30 }, after: { renewalWindowDays: 7 } }, { before: { name: frontdoor.name }, after: { name: renamed } }]);
    expect(certdoor("frontdoor", "set", frontdoor.id, "--name", "a/b").code).toBe(2);
    // The two-person rule: --approvals N (0–5), as PATCH's approvals.required.
    const approvals = certdoor("frontdoor", "set", frontdoor.id, "--approvals", "2");
    expect(approvals.code, approvals.stderr).toBe(0);
    expect(approvals.stdout).toContain("2 approvals per token");
    expect((await getDb().frontdoor.findUniqueOrThrow({ where: { id: frontdoor.id }, select: { approvalsRequired: true } })).approvalsRequired).toBe(2);
    const tooMany = certdoor("frontdoor", "set", frontdoor.id, "--approvals", "6");
    expect([tooMany.code, tooMany.stderr]).toEqual([2, expect.stringContaining("--approvals takes a whole number from 0 (no approval) to 5")]);
    certdoor("frontdoor", "set", frontdoor.id, "--approvals", "0");

    const { redeemToken } = await import("@/lib/domain/certificates");
    const { opensslCsr } = await import("@/lib/testing/openssl");
    const issue = async (validDays: number) => {
      const token = await createToken(system, frontdoor.id, { name: `expiring ${validDays}`, commonName: `d${validDays}.example.com`, validDays });
      return redeemToken({ frontdoorId: frontdoor.id, secret: token.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} });
    };
    const soon = await issue(1);
    await issue(365);
    const listed = certdoor("certificates", "list", "--frontdoor", frontdoor.id, "--expiring", "2d", "--json");
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((c: { id: string }) => c.id)).toEqual([soon.id]);
    expect(JSON.parse(listed.stdout)[0]).not.toHaveProperty("certificate");
    expect(certdoor("certificates", "list", "--frontdoor", frontdoor.id).stdout).toContain("d1.example.com");
    expect(certdoor("certificates", "list", "--expiring", "soon").code).toBe(2);
  });
});
