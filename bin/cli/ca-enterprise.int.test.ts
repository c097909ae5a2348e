import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { enterprisePki } from "@/lib/testing/enterprise-root";
import { makeFrontdoor } from "@/lib/testing/fixtures";
import { openssl } from "@/lib/testing/openssl";

// `certdoor ca csr` and `certdoor ca import`, the real binary against this file's database
// and an enterprise root made with openssl: exit 0 when imported, 1 with the refusal's code
// for each of the three refusals, 2 for a wrong invocation.

const root = path.resolve(import.meta.dirname, "..", "..");
const certdoor = (...args: string[]) => {
  const result = spawnSync(process.execPath, ["--conditions=react-server", path.join(root, "bin", "certdoor.mjs"), ...args], { cwd: root, env: { ...process.env }, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};
const pki = enterprisePki();
const enterpriseRoot = pki.root();
writeFileSync(pki.file("chain.pem"), enterpriseRoot.pem);

describe("certdoor ca csr / ca import", () => {
  it("writes the request, imports what the enterprise root signed (exit 0), and the Frontdoor's ca.pem ends in that root", async () => {
    const frontdoor = await makeFrontdoor();
    const csr = certdoor("ca", "csr", "--frontdoor", frontdoor.name, "--subject", "/O=Example Corp/CN=Edge issuing CA", "--out", pki.file("edge.csr"));
    expect(csr.stderr).toBe("");
    expect(csr.code).toBe(0);
    expect(csr.stdout).toContain(`to ${pki.file("edge.csr")}`);
    expect(csr.stdout).toContain(`certdoor ca import --frontdoor ${frontdoor.id}`);
    expect(openssl(["req", "-noout", "-subject", "-in", pki.file("edge.csr")])).toContain("O = Example Corp, CN = Edge issuing CA");

    writeFileSync(pki.file("edge.pem"), pki.signRequest(readFileSync(pki.file("edge.csr"), "utf8"), enterpriseRoot));
    const imported = certdoor("ca", "import", "--frontdoor", frontdoor.id, "--cert", pki.file("edge.pem"), "--chain", pki.file("chain.pem"), "--json");
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ frontdoorId: frontdoor.id, current: { generation: 2, subject: "O=Example Corp, CN=Edge issuing CA" }, enterpriseRoot: { chainLength: 1 } });
    const current = await getDb().certificateAuthority.findFirstOrThrow({ where: { frontdoorId: frontdoor.id, retiredAt: null } });
    expect(current.externalChainPem).toBe(enterpriseRoot.pem);
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "ca.rotated", frontdoorId: frontdoor.id } });
    expect(event.actorLabel).toMatch(/^cli:/);
  });

  it("without --out prints the request alone on stdout; a second request replaces the first and says so", async () => {
    const frontdoor = await makeFrontdoor();
    const first = certdoor("ca", "csr", "--frontdoor", frontdoor.id);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n[\s\S]+-----END CERTIFICATE REQUEST-----\n$/);
    expect(first.stderr).toContain("Have your enterprise CA sign it");
    const second = certdoor("ca", "csr", "--frontdoor", frontdoor.id, "--json");
    expect(second.code).toBe(0);
    const pending = await getDb().pendingIssuingCa.findUniqueOrThrow({ where: { frontdoorId: frontdoor.id } });
    expect(JSON.parse(second.stdout)).toMatchObject({ id: pending.id, replacedId: expect.any(String) });
  });

  it("each refusal exits 1 with its code and says what is wrong; nothing is imported", async () => {
    const frontdoor = await makeFrontdoor();
    expect(certdoor("ca", "csr", "--frontdoor", frontdoor.id, "--out", pki.file("refused.csr")).code).toBe(0);
    const csrPem = readFileSync(pki.file("refused.csr"), "utf8");
    const attempt = (name: string, pem: string) => {
      writeFileSync(pki.file(name), pem);
      return certdoor("ca", "import", "--frontdoor", frontdoor.id, "--cert", pki.file(name), "--chain", pki.file("chain.pem"));
    };
    const other = attempt("other.pem", readFileSync(pki.file("edge.pem"), "utf8"));
    expect(other).toMatchObject({ code: 1, stdout: "" });
    expect(other.stderr).toMatch(/^certdoor: ca_import_key_mismatch: The certificate .* is not for the key of this Frontdoor's pending request/);
    const leafLike = attempt("leaf.pem", pki.signRequest(csrPem, enterpriseRoot, ["basicConstraints=critical,CA:false"]));
    expect(leafLike.code).toBe(1);
    expect(leafLike.stderr).toMatch(/^certdoor: ca_import_not_a_ca: .*CA:TRUE/);
    const underStranger = attempt("stranger.pem", pki.signRequest(csrPem, enterprisePki().root("stranger", "/CN=Stranger Root")));
    expect(underStranger.code).toBe(1);
    expect(underStranger.stderr).toMatch(/^certdoor: ca_import_chain_invalid: The chain given does not hold CN=Stranger Root/);
    expect(await getDb().certificateAuthority.count({ where: { frontdoorId: frontdoor.id } })).toBe(1);
  });

  it("a missing --cert, an unreadable file, or a file without a certificate is a wrong invocation (exit 2)", async () => {
    const frontdoor = await makeFrontdoor();
    expect(certdoor("ca", "import", "--frontdoor", frontdoor.id)).toMatchObject({ code: 2, stderr: expect.stringContaining("--cert is required") });
    expect(certdoor("ca", "import", "--frontdoor", frontdoor.id, "--cert", pki.file("nowhere.pem"))).toMatchObject({ code: 2, stderr: expect.stringContaining("cannot read --cert") });
    writeFileSync(pki.file("junk.pem"), "not a certificate");
    expect(certdoor("ca", "import", "--frontdoor", frontdoor.id, "--cert", pki.file("junk.pem"))).toMatchObject({ code: 2, stderr: expect.stringContaining("certificatePem") });
    expect(certdoor("ca", "csr", "--frontdoor", frontdoor.id, "--subject", "O=No common name")).toMatchObject({ code: 2, stderr: expect.stringContaining("needs a CN") });
    const help = certdoor("ca", "import", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: certdoor ca import --frontdoor ID --cert FILE \[--chain FILE\]/);
  });
});
