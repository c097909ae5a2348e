import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { redeemToken } from "@/lib/domain/certificates";
import { createToken } from "@/lib/domain/tokens";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { opensslCsr } from "@/lib/testing/openssl";

// `certdoor ca rotate`, the real binary against this file's database.

const root = path.resolve(import.meta.dirname, "..", "..");
const certdoor = (...args: string[]) => {
  const result = spawnSync(process.execPath, ["--conditions=react-server", path.join(root, "bin", "certdoor.mjs"), ...args], { cwd: root, env: { ...process.env }, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

async function redeem(frontdoorId: string) {
  const token = await createToken(system, frontdoorId, { name: "device", commonName: "device.example.com" });
  return redeemToken({ frontdoorId, secret: token.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} });
}

describe("certdoor ca rotate", () => {
  it("rotates by name, prints what happened as JSON, and the next certificate is the new CA's", async () => {
    const frontdoor = await makeFrontdoor();
    const before = await redeem(frontdoor.id);
    const result = certdoor("ca", "rotate", "--frontdoor", frontdoor.name, "--json");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const rotation = JSON.parse(result.stdout);
    expect(rotation).toMatchObject({ frontdoorId: frontdoor.id, current: { generation: 2 }, retired: { generation: 1, inUseUntil: before.notAfter.toISOString() } });

    const current = await getDb().certificateAuthority.findFirstOrThrow({ where: { frontdoorId: frontdoor.id, retiredAt: null } });
    expect(current.id).toBe(rotation.current.id);
    const after = await redeem(frontdoor.id);
    expect(new X509Certificate(after.certificate).verify(new X509Certificate(current.certificatePem).publicKey)).toBe(true);

    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "ca.rotated", frontdoorId: frontdoor.id } });
    expect(event.actorLabel).toMatch(/^cli:/);
  });

  it("says in words what happened and what gateways must do", async () => {
    const frontdoor = await makeFrontdoor();
    const result = certdoor("ca", "rotate", "--frontdoor", frontdoor.id);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Rotated the issuing CA of Frontdoor ${frontdoor.name}`);
    expect(result.stdout).toContain("has no certificate left to answer for");
    expect(result.stdout).toContain(`fetch /frontdoor/${frontdoor.id}/ca.pem again`);
  });

  it("refuses an unknown Frontdoor (exit 1, nothing rotated) and a missing --frontdoor (exit 2); --help exits 0", async () => {
    const count = await getDb().certificateAuthority.count();
    const unknown = certdoor("ca", "rotate", "--frontdoor", "00000000-0000-4000-8000-000000000000");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("frontdoor_not_found");
    const unnamed = certdoor("ca", "rotate", "--frontdoor", "no-such-frontdoor");
    expect(unnamed.code).toBe(1);
    expect(unnamed.stderr).toContain("frontdoor_not_found");
    expect(await getDb().certificateAuthority.count()).toBe(count);

    const missing = certdoor("ca", "rotate");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--frontdoor is required");
    const help = certdoor("ca", "rotate", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: certdoor ca rotate --frontdoor ID/);
  });
});
