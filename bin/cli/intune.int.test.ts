import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { intuneCredentials } from "@/lib/domain/scep/intune/settings";
import { makeFrontdoor } from "@/lib/testing/fixtures";
import { tempDir } from "@/lib/testing/openssl";

// `certdoor frontdoor set --intune-…`: the same settings as PATCH /frontdoor/{id}'s
// scep.intune, with the client secret read from a file and never printed.

const root = path.resolve(import.meta.dirname, "..", "..");
const certdoor = (...args: string[]) => {
  const result = spawnSync(process.execPath, ["--conditions=react-server", path.join(root, "bin", "certdoor.mjs"), ...args], { cwd: root, env: { ...process.env }, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

describe("certdoor frontdoor set --intune-…", () => {
  it("sets Intune with the secret from a file, shows it without the secret, and removes it", async () => {
    const { id } = await makeFrontdoor();
    const secretFile = path.join(tempDir(), "secret");
    writeFileSync(secretFile, "cli~intune~secret\n");
    const set = certdoor("frontdoor", "set", id, "--intune-tenant", "contoso.onmicrosoft.com", "--intune-client", "6f1c1b2e-8d7a-4c55-9a0e-1d2b3c4d5e6f", "--intune-secret-file", secretFile, "--json");
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout).scep).toEqual({ intune: { tenantId: "contoso.onmicrosoft.com", clientId: "6f1c1b2e-8d7a-4c55-9a0e-1d2b3c4d5e6f", clientSecretSet: true } });
    expect(set.stdout).not.toContain("cli~intune~secret");
    expect((await intuneCredentials(id))?.clientSecret).toBe("cli~intune~secret");

    expect(certdoor("frontdoor", "set", id, "--intune-tenant", "../x", "--intune-client", "6f1c1b2e-8d7a-4c55-9a0e-1d2b3c4d5e6f")).toMatchObject({ code: 2, stderr: expect.stringContaining("--intune-tenant") });
    expect(certdoor("frontdoor", "set", id, "--no-intune", "--intune-tenant", "contoso.onmicrosoft.com").code).toBe(2);

    const removed = certdoor("frontdoor", "set", id, "--no-intune");
    expect([removed.code, removed.stdout]).toEqual([0, expect.stringContaining("Intune: not set up")]);
    expect(await intuneCredentials(id)).toBeNull();
  });
});
