import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { redeemToken } from "@/lib/domain/certificates";
import { createToken } from "@/lib/domain/tokens";
import { env } from "@/lib/env";
import { enterprisePki } from "@/lib/testing/enterprise-root";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { openssl, opensslCsr } from "@/lib/testing/openssl";
import { listTokenObjects, makeSoftHsm, SOFTHSM_MODULE } from "@/lib/testing/softhsm";

// `certdoor ca csr` and `ca import` with CA_KEY_STORE naming a PKCS#11 token (SoftHSM2): the
// pending issuing-CA key is generated in the token under the pending id, the request is
// signed there, and the imported CA keeps that key (same reference, nothing in the
// database); what it signs verifies against the enterprise root made with openssl.

const hsm = makeSoftHsm();
const token = hsm.addToken("certdoor");
const pki = enterprisePki();
const enterpriseRoot = pki.root();
const repo = path.resolve(import.meta.dirname, "..", "..");
const certdoor = (keyStore: string, ...args: string[]) => {
  const result = spawnSync(process.execPath, ["--conditions=react-server", path.join(repo, "bin", "certdoor.mjs"), ...args], {
    cwd: repo,
    env: { ...process.env, ...hsm.env, CA_KEY_STORE: keyStore, CA_KEY_STORE_PIN: token.pin },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
};

/** What openssl says on both streams (its verify verdicts go to stderr). */
const opensslSays = (args: string[]) => {
  const result = spawnSync("openssl", args, { encoding: "utf8" });
  return result.stdout + result.stderr;
};

/** pkcs11-tool's block for the private key labelled `label`, if the token holds one. */
const privateKeyBlock = (label: string) =>
  listTokenObjects(hsm, token)
    .split(/\n(?=\S)/)
    .find((b) => b.startsWith("Private Key Object") && b.includes(`label:      ${label}`));

let frontdoorId: string;

beforeAll(async () => {
  // A Frontdoor whose own CAs are database keys: the import moves it onto a key in the token.
  frontdoorId = (await makeFrontdoor()).id;
});

describe("ca csr / ca import with CA_KEY_STORE naming a PKCS#11 token", () => {
  it("generates the pending key in the token, imports the CA with that same key (keyStore pkcs11, no sealed key), and its certificates, CRL included, verify against the enterprise root", async () => {
    const csr = certdoor(token.uri, "ca", "csr", "--frontdoor", frontdoorId, "--out", pki.file("hsm.csr"), "--json");
    expect(csr.stderr).toBe("");
    expect(csr.code).toBe(0);
    const pending = await getDb().pendingIssuingCa.findUniqueOrThrow({ where: { frontdoorId } });
    expect(pending).toMatchObject({ keyStore: "pkcs11", encryptedPrivateKey: null, keyReference: expect.stringContaining(`object=${pending.id};`) });
    expect(privateKeyBlock(pending.id)).toMatch(/Access:\s+sensitive, always sensitive, never extractable, local/);
    // Signed by the token's key: openssl checks the request's signature with the public key in it.
    expect(opensslSays(["req", "-noout", "-verify", "-in", pki.file("hsm.csr")])).toMatch(/verify OK/i);

    writeFileSync(pki.file("hsm.pem"), pki.signRequest(readFileSync(pki.file("hsm.csr"), "utf8"), enterpriseRoot));
    writeFileSync(pki.file("chain.pem"), enterpriseRoot.pem);
    const imported = certdoor(token.uri, "ca", "import", "--frontdoor", frontdoorId, "--cert", pki.file("hsm.pem"), "--chain", pki.file("chain.pem"), "--json");
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
    const ca = await getDb().certificateAuthority.findFirstOrThrow({ where: { frontdoorId, retiredAt: null } });
    expect(ca).toMatchObject({ id: pending.id, keyStore: "pkcs11", encryptedPrivateKey: null, keyReference: pending.keyReference, parentId: null, externalChainPem: enterpriseRoot.pem });
    expect(await getDb().pendingIssuingCa.count({ where: { frontdoorId } })).toBe(0);

    // Its first CRL was signed in the token by the `ca import` process.
    writeFileSync(pki.file("hsm-crl.der"), ca.crlDer!);
    expect(opensslSays(["crl", "-inform", "DER", "-in", pki.file("hsm-crl.der"), "-CAfile", pki.file("hsm.pem"), "-noout"])).toMatch(/verify OK/);

    // This process signs with it too, through the token, and openssl judges the leaf against the enterprise root alone.
    env.CA_KEY_STORE = token.uri;
    env.CA_KEY_STORE_PIN = token.pin;
    const created = await createToken(system, frontdoorId, { name: "hsm-device", commonName: "hsm-device.example.com" });
    const leaf = await redeemToken({ frontdoorId, secret: created.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} });
    writeFileSync(pki.file("hsm-leaf.pem"), leaf.certificate);
    writeFileSync(pki.file("hsm-untrusted.pem"), readFileSync(pki.file("hsm.pem")));
    expect(openssl(["verify", "-CAfile", enterpriseRoot.certFile, "-untrusted", pki.file("hsm-untrusted.pem"), "-purpose", "sslclient", pki.file("hsm-leaf.pem")])).toMatch(/: OK/);
  });

  it("a CA_KEY_STORE that cannot work stops `ca csr` and `ca import` in one line, before any pending key is made", async () => {
    const other = (await makeFrontdoor()).id;
    const broken = "pkcs11:token=elsewhere?module-path=" + SOFTHSM_MODULE;
    for (const args of [["ca", "csr", "--frontdoor", other], ["ca", "import", "--frontdoor", other, "--cert", pki.file("hsm.pem")]]) {
      const result = certdoor(broken, ...args);
      expect(result.code).toBe(1);
      expect(result.stderr.split("\n"), result.stderr).toHaveLength(1);
      expect(result.stderr).toMatch(/No PKCS#11 token token=elsewhere is present/);
    }
    expect(await getDb().pendingIssuingCa.count({ where: { frontdoorId: other } })).toBe(0);
  });
});
