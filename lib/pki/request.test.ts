import { describe, expect, it } from "vitest";
import { checkCsr } from "@/lib/pki/csr";
import { toPem } from "@/lib/pki/pem";
import { KEY_CHOICES, makeKeyAndRequest, requestForKey } from "@/lib/pki/request";
import { openssl, publicKeyOfCsr } from "@/lib/testing/openssl";

// The requests the redemption page and `certdoor redeem` make are judged by OpenSSL and by
// the server's own check, not by the code that wrote them.

const publicKeyOfPkcs8 = (pkcs8Der: Uint8Array) => openssl(["pkey", "-pubout"], { input: toPem(pkcs8Der, "PRIVATE KEY") });

describe("certificate requests made with WebCrypto", () => {
  for (const [choice, algorithm] of [
    ["ec-p256", "EC-P256"],
    ["ec-p384", "EC-P384"],
    ["rsa-2048", "RSA-2048"],
    ["rsa-3072", "RSA-3072"],
  ] as const) {
    it(`${choice}: OpenSSL verifies its signature, the server accepts it, subject and key are the ones given`, async () => {
      const { csrPem, pkcs8Der } = await makeKeyAndRequest(choice, "Ünïcode agent 7");
      // `openssl req -verify` exits non-zero (and openssl() throws) on a bad signature.
      expect(openssl(["req", "-verify", "-noout", "-subject", "-nameopt", "utf8"], { input: csrPem })).toContain("CN=Ünïcode agent 7");
      const checked = checkCsr(csrPem);
      expect(checked.keyAlgorithm).toBe(algorithm);
      expect(checked.subject).toEqual({ commonName: "Ünïcode agent 7", organization: null, organizationalUnit: null });
      expect(publicKeyOfCsr(csrPem)).toBe(publicKeyOfPkcs8(pkcs8Der));
    });
  }

  it("ECDSA signatures become valid DER integers whatever their leading bits (200 requests)", async () => {
    // r and s start with a set bit half the time (a 0x00 must precede it) and with a zero
    // byte now and then (which must go): every request has to pass the server's verify.
    for (let i = 0; i < 200; i++) {
      const { csrPem } = await makeKeyAndRequest("ec-p256", `agent-${i}`);
      expect(checkCsr(csrPem).subject.commonName).toBe(`agent-${i}`);
    }
  });

  it("renewal signs a new request with the key it already has", async () => {
    const keys = (await crypto.subtle.generateKey(KEY_CHOICES["ec-p384"], true, ["sign", "verify"])) as CryptoKeyPair;
    const pkcs8Der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
    const spkiDer = new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
    const csrPem = await requestForKey({ pkcs8Der, spkiDer, choice: "ec-p384" }, "renewal");
    expect(checkCsr(csrPem).subject.commonName).toBe("renewal");
    expect(publicKeyOfCsr(csrPem)).toBe(publicKeyOfPkcs8(pkcs8Der));
  });
});
