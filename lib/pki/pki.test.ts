import { describe, expect, it } from "vitest";
import { createIntermediateCa, createRootCa } from "@/lib/pki/ca";
import { checkCsr } from "@/lib/pki/csr";
import { issueClientCertificate } from "@/lib/pki/issue";
import { makeIssuer } from "@/lib/pki/issuer";
import { certificateText, opensslCsr, publicKeyOfCertificate, publicKeyOfCsr, verifyClientCertificate } from "@/lib/testing/openssl";

async function testIssuer() {
  const root = await createRootCa("test");
  const intermediate = await createIntermediateCa(root, { id: "00000000-0000-4000-8000-000000000001", name: "unit" });
  return makeIssuer({ id: "i", certificatePem: intermediate.certificatePem, signer: intermediate.signer, chainPem: intermediate.certificatePem + root.certificatePem });
}

describe("issuing client certificates from openssl-made requests", () => {
  const tokenSubject = { commonName: "build-agent-7.ci.example.com", organization: "Example Corp", organizationalUnit: "CI" };

  for (const [spec, algorithm, isRsa] of [
    ["ec-p256", "EC-P256", false],
    ["ec-p384", "EC-P384", false],
    ["rsa-2048", "RSA-2048", true],
    ["rsa-3072", "RSA-3072", true],
  ] as const) {
    it(`${spec}: openssl verifies it for client auth; the key is the CSR's, the subject the token's, CA:FALSE`, async () => {
      const issuer = await testIssuer();
      const csr = opensslCsr(spec, "/CN=evil.example.com/O=Evil Org/OU=Root", ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=keyCertSign"]);
      const checked = checkCsr(`\r\n  ${csr.csrPem.replace(/\n/g, "\r\n")}  \n`);
      expect(checked.keyAlgorithm).toBe(algorithm);
      expect(checked.subject).toEqual({ commonName: "evil.example.com", organization: "Evil Org", organizationalUnit: "Root" });

      const issued = await issueClientCertificate({ issuer, spkiDer: checked.spkiDer, isRsa: checked.isRsa, subject: tokenSubject, validDays: 30 });
      expect(verifyClientCertificate(issued.pem, issuer.chainPem)).toContain("OK");
      expect(publicKeyOfCertificate(issued.pem)).toBe(publicKeyOfCsr(csr.csrPem));

      const text = certificateText(issued.pem);
      expect(text).toContain("Subject: CN=build-agent-7.ci.example.com,OU=CI,O=Example Corp");
      expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
      expect(text).toMatch(new RegExp(`Key Usage: critical\\s+${isRsa ? "Digital Signature, Key Encipherment" : "Digital Signature"}\\n`));
      expect(text).toMatch(/Extended Key Usage:\s+TLS Web Client Authentication\n/);
      expect(text).toContain("Subject Key Identifier");
      expect(text).toContain("Authority Key Identifier");
      expect(text).not.toContain("Certificate Sign");
      expect(text).toContain("Signature Algorithm: ecdsa-with-SHA256");
      expect(issued.serialNumber).toMatch(/^[4-7][0-9a-f]{31}$/);
      // The serial in the certificate is exactly the recorded one (16 bytes, nothing more).
      const serialLine = /Serial Number:\s*\n\s*([0-9a-f:]+)/.exec(text)?.[1]?.replace(/:/g, "");
      expect(serialLine).toBe(issued.serialNumber);
      expect(issued.der.length).toBeLessThan(1200);
      expect(Date.now() - issued.notBefore.getTime()).toBeGreaterThanOrEqual(59_000);
      expect(issued.notAfter.getTime() - issued.notBefore.getTime()).toBe(30 * 86_400_000 + 60_000);
    });
  }

  it("gives every certificate a distinct random serial", async () => {
    const issuer = await testIssuer();
    const checked = checkCsr(opensslCsr("ec-p256").csrPem);
    const serials = new Set((await Promise.all(Array.from({ length: 100 }, () => issueClientCertificate({ issuer, spkiDer: checked.spkiDer, isRsa: false, subject: tokenSubject, validDays: 1 })))).map((c) => c.serialNumber));
    expect(serials.size).toBe(100);
  });
});

describe("refusing requests", () => {
  it("refuses RSA-1024 and Ed25519 keys with unsupported_key", () => {
    expect(() => checkCsr(opensslCsr("rsa-1024").csrPem)).toThrow(expect.objectContaining({ code: "unsupported_key" }));
    expect(() => checkCsr(opensslCsr("ed25519").csrPem)).toThrow(expect.objectContaining({ code: "unsupported_key" }));
  });

  it("refuses garbage with invalid_csr", () => {
    expect(() => checkCsr("hello")).toThrow(expect.objectContaining({ code: "invalid_csr" }));
    expect(() => checkCsr("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----")).toThrow(
      expect.objectContaining({ code: "invalid_csr" }),
    );
    expect(() => checkCsr("-----BEGIN CERTIFICATE REQUEST-----\n!!!\n-----END CERTIFICATE REQUEST-----")).toThrow(
      expect.objectContaining({ code: "invalid_csr" }),
    );
  });

  it("refuses a request whose signature byte was flipped with csr_signature_invalid", () => {
    const { csrPem } = opensslCsr("ec-p256");
    const der = Buffer.from(csrPem.replace(/-----[A-Z ]+-----|\s/g, ""), "base64");
    der[der.length - 5] = der[der.length - 5]! ^ 0x01; // inside the signature's INTEGER s
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
    expect(() => checkCsr(tampered)).toThrow(expect.objectContaining({ code: "csr_signature_invalid" }));

    const rsa = opensslCsr("rsa-2048").csrPem;
    const rsaDer = Buffer.from(rsa.replace(/-----[A-Z ]+-----|\s/g, ""), "base64");
    rsaDer[rsaDer.length - 1] = rsaDer[rsaDer.length - 1]! ^ 0xff;
    expect(() => checkCsr(`-----BEGIN CERTIFICATE REQUEST-----\n${rsaDer.toString("base64")}\n-----END CERTIFICATE REQUEST-----`)).toThrow(
      expect.objectContaining({ code: "csr_signature_invalid" }),
    );
  });
});
