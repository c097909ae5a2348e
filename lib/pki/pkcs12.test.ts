import { execFileSync } from "node:child_process";
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createIntermediateCa, createRootCa } from "@/lib/pki/ca";
import { checkCsr } from "@/lib/pki/csr";
import { issueClientCertificate } from "@/lib/pki/issue";
import { makeIssuer } from "@/lib/pki/issuer";
import { fromPem } from "@/lib/pki/pem";
import { buildPkcs12, encryptedPrivateKeyPem } from "@/lib/pki/pkcs12";
import { openssl, opensslCsr, tempDir } from "@/lib/testing/openssl";

async function issued(spec: "ec-p256" | "rsa-2048") {
  const root = await createRootCa("p12");
  const intermediate = await createIntermediateCa(root, { id: "00000000-0000-4000-8000-000000000002", name: "p12" });
  const issuer = makeIssuer({ id: "i", certificatePem: intermediate.certificatePem, signer: intermediate.signer, chainPem: "" });
  const csr = opensslCsr(spec);
  const checked = checkCsr(csr.csrPem);
  const leaf = await issueClientCertificate({ issuer, spkiDer: checked.spkiDer, isRsa: checked.isRsa, subject: { commonName: "p12 user", organization: null, organizationalUnit: null }, validDays: 10 });
  const pkcs8Der = new Uint8Array(createPrivateKey(csr.keyPem).export({ format: "der", type: "pkcs8" }));
  return { leaf, pkcs8Der, chain: [fromPem(intermediate.certificatePem, ["CERTIFICATE"])!, fromPem(root.certificatePem, ["CERTIFICATE"])!], keyPem: csr.keyPem };
}

const pubOfKey = (pem: string) => openssl(["pkey", "-pubout"], { input: pem });

// 600,000 PBKDF2 and MAC iterations take over a second per file by design; with the other
// test projects running beside them, allow well beyond vitest's 5 s default.
const SLOW_KDF_MS = 60_000;

describe("PKCS#12", () => {
  for (const spec of ["ec-p256", "rsa-2048"] as const) {
    for (const mode of ["modern", "compatible"] as const) {
      it(`${spec}, ${mode}: openssl opens it with the password, and its key and certificate match`, async () => {
        const { leaf, pkcs8Der, chain, keyPem } = await issued(spec);
        const password = "correct horse ✓ battery";
        const p12 = await buildPkcs12({ pkcs8Der, certificatesDer: [leaf.der, ...chain], password, mode, friendlyName: "p12 user" });
        const dir = tempDir();
        const file = path.join(dir, "client.p12");
        writeFileSync(file, p12);

        // `openssl pkcs12 -info` writes what it found to stderr.
        const stderr = execFileSync("sh", ["-c", `openssl pkcs12 -info -noout -in ${file} -passin 'pass:${password}' 2>&1`], { encoding: "utf8" });
        expect(stderr).toContain(mode === "modern" ? "MAC: sha256, Iteration 600000" : "MAC: sha1, Iteration 100000");
        expect(stderr).toContain("salt length: 8");
        expect(stderr).toContain(mode === "modern" ? "PBES2, PBKDF2, AES-256-CBC, Iteration 600000, PRF hmacWithSHA256" : "pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 50000");

        const keyOut = openssl(["pkcs12", "-in", file, "-passin", `pass:${password}`, "-nocerts", "-nodes"]);
        const certOut = openssl(["pkcs12", "-in", file, "-passin", `pass:${password}`, "-clcerts", "-nokeys"]);
        const caOut = openssl(["pkcs12", "-in", file, "-passin", `pass:${password}`, "-cacerts", "-nokeys"]);
        expect(pubOfKey(keyOut)).toBe(pubOfKey(keyPem));
        expect(openssl(["x509", "-noout", "-pubkey"], { input: certOut })).toBe(pubOfKey(keyPem));
        expect(openssl(["x509", "-noout", "-serial"], { input: certOut }).trim()).toBe(`serial=${leaf.serialNumber.toUpperCase()}`);
        expect(caOut.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
        expect(certOut).toContain("friendlyName: p12 user");

        expect(() => openssl(["pkcs12", "-in", file, "-passin", "pass:wrong password", "-nokeys"])).toThrow(/mac verify failure|invalid password/i);
      }, SLOW_KDF_MS);
    }
  }

  it("encrypts key.pem with a passphrase that openssl needs to open it, with 600,000 PBKDF2-SHA-256 iterations", async () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pkcs8 = new Uint8Array(privateKey.export({ format: "der", type: "pkcs8" }));
    const pem = await encryptedPrivateKeyPem(pkcs8, "a passphrase");
    expect(openssl(["asn1parse"], { input: pem })).toMatch(/PBKDF2[\s\S]*INTEGER\s+:0927C0[\s\S]*hmacWithSHA256[\s\S]*aes-256-cbc/);
    expect(pem).toContain("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    const opened = openssl(["pkey", "-passin", "pass:a passphrase"], { input: pem });
    expect(opened).toBe(privateKey.export({ format: "pem", type: "pkcs8" }));
    expect(() => openssl(["pkey", "-passin", "pass:nope"], { input: pem })).toThrow();
  }, SLOW_KDF_MS);
});
