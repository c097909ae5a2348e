import { constants, createHash, createPrivateKey, publicEncrypt, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import { challengePasswordOf } from "@/lib/pki/scep/attributes";
import { buildCertRep } from "@/lib/pki/scep/cert-rep";
import { contentCipher, type ContentCipherName } from "@/lib/pki/scep/ciphers";
import { openEnvelope, sealEnvelope } from "@/lib/pki/scep/envelope";
import { openRequest, readPkiMessage, requireSignerHoldsCsrKey } from "@/lib/pki/scep/pki-message";
import { NotScepMessage, ScepRefusal } from "@/lib/pki/scep/refusal";
import { unwrapContentKey } from "@/lib/pki/scep/rsa-unwrap";
import { openssl, tempDir } from "@/lib/testing/openssl";
import { toPem } from "@/lib/pki/pem";

// The CMS readers and builders against a real request: what micromdm's scepclient 2.1.0 sent
// to a test RA (testdata/: the RA's certificate and key, and the PKCSReq, SHA-1 signed,
// DES-CBC encrypted, challenge "crt_abcdefghijklmnopqrstuvwxyz").

const testdata = (name: string) => readFileSync(path.join(import.meta.dirname, "testdata", name));
const raPem = testdata("ra.pem").toString();
const raDer = new X509Certificate(raPem).raw;
const raKey = createPrivateKey(testdata("ra.key"));
const ra = { certificate: AsnConvert.parse(raDer, Certificate), privateKey: raKey };
const request = testdata("pkcsreq-des.der");

const refusalOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScepRefusal) return error.failInfo;
    throw error;
  }
  return null;
};

describe("reading a scepclient PKCSReq", () => {
  it("reads the SCEP attributes, checks the SHA-1 signature, opens the DES envelope and finds the challenge", () => {
    const message = readPkiMessage(request);
    expect(message).toMatchObject({ messageType: "19", transactionId: "iWSycDOOCOI4skjEa7PDbt/3Gm8=" });
    expect(message.senderNonce).toHaveLength(16);
    if (message.checked instanceof ScepRefusal) throw message.checked;
    const opened = openRequest(message.checked.envelope, ra);
    expect(opened.cipher.name).toBe("des-cbc");
    expect(challengePasswordOf(opened.csrDer)).toBe("crt_abcdefghijklmnopqrstuvwxyz");
    // scepclient signs with the key it asks a certificate for, as RFC 8894 asks.
    const { signer } = message.checked;
    expect(() => requireSignerHoldsCsrKey(signer, opened.csrKey)).not.toThrow();
  });

  it("a PKCSReq signer whose key is not the CSR's is badMessageCheck", () => {
    const message = readPkiMessage(request);
    if (message.checked instanceof ScepRefusal) throw message.checked;
    const { csrKey } = openRequest(message.checked.envelope, ra);
    const signedByAnother = { ...message.checked.signer, x509: new X509Certificate(raPem) };
    expect(refusalOf(() => requireSignerHoldsCsrKey(signedByAnother, csrKey))).toBe("badMessageCheck");
  });

  it("a changed signature or attribute is badMessageCheck; an unknown digest algorithm is badAlg; not CMS cannot be answered", () => {
    const badSignature = Buffer.from(request);
    badSignature[badSignature.length - 5]! ^= 1;
    expect(readPkiMessage(badSignature).checked).toMatchObject({ failInfo: "badMessageCheck" });
    const sha1 = Buffer.from("06052b0e03021a", "hex");
    const badAlg = Buffer.from(request);
    badAlg[badAlg.lastIndexOf(sha1) + 6] = 0x1b;
    expect(readPkiMessage(badAlg).checked).toMatchObject({ failInfo: "badAlg" });
    expect(() => readPkiMessage(Buffer.from("hello"))).toThrow(NotScepMessage);
  });

  it("an envelope for another RA is badMessageCheck", () => {
    const keyFile = path.join(tempDir("certdoor-scep-"), "k.pem");
    const other = openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-subj", "/CN=other", "-days", "1"]);
    const otherRa = { certificate: AsnConvert.parse(new X509Certificate(other).raw, Certificate), privateKey: createPrivateKey(readFileSync(keyFile)) };
    const message = readPkiMessage(request);
    if (message.checked instanceof ScepRefusal) throw message.checked;
    const envelope = message.checked.envelope;
    expect(refusalOf(() => openRequest(envelope, otherRa))).toBe("badMessageCheck");
  });
});

describe("envelopes", () => {
  it.each<ContentCipherName>(["des-cbc", "des-ede3-cbc", "aes-128-cbc", "aes-256-cbc"])("%s: what is sealed for the RA opens with its key, with the same cipher", (name) => {
    const sealed = sealEnvelope(Buffer.from("the content"), raDer, ra.certificate, contentCipher(name));
    const opened = openEnvelope(sealed, ra);
    expect([opened.content.toString(), opened.cipher.name]).toEqual(["the content", name]);
  });
});

describe("the RSA content-key unwrap (implicit rejection)", () => {
  const key = Buffer.from("0123456789abcdef0123456789abcdef", "utf8");
  const wrapped = publicEncrypt({ key: raKey, padding: constants.RSA_PKCS1_PADDING }, key);

  it("gives back a well-padded key", () => {
    expect(unwrapContentKey(raKey, wrapped, 32).equals(key)).toBe(true);
  });

  it("bad padding, a wrong length or garbage give a synthetic key: the same for the same ciphertext, another for another, never an exception", () => {
    const damaged = Buffer.from(wrapped);
    damaged[10]! ^= 0x55;
    const first = unwrapContentKey(raKey, damaged, 32);
    expect(first).toHaveLength(32);
    expect(first.equals(key)).toBe(false);
    expect(unwrapContentKey(raKey, damaged, 32).equals(first)).toBe(true);
    const damagedElsewhere = Buffer.from(wrapped);
    damagedElsewhere[20]! ^= 0x55;
    expect(unwrapContentKey(raKey, damagedElsewhere, 32).equals(first)).toBe(false);
    // A correctly padded key of another length is not this cipher's key.
    expect(unwrapContentKey(raKey, wrapped, 16).equals(key.subarray(0, 16))).toBe(false);
    expect(unwrapContentKey(raKey, Buffer.alloc(256, 0xff), 16)).toHaveLength(16);
    expect(unwrapContentKey(raKey, Buffer.alloc(3), 24)).toHaveLength(24);
  });
});

describe("CertRep", () => {
  const message = readPkiMessage(request);

  it("SUCCESS: signed by the RA with the SCEP attributes; the envelope opens (OpenSSL) to a certs-only PKCS#7 whose first certificate is the issued one", () => {
    const dir = tempDir("certdoor-scep-");
    const issued = new X509Certificate(openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path.join(dir, "k.pem"), "-subj", "/CN=issued", "-days", "1"])).raw;
    // The requester here is the RA's own certificate and key: any RSA holder will do.
    const der = buildCertRep({ certificateDer: raDer, privateKey: raKey }, message, { status: "SUCCESS", certificatesDer: [issued, raDer], recipientDer: raDer, cipher: contentCipher("aes-256-cbc") });
    writeFileSync(path.join(dir, "rep.pem"), toPem(der, "PKCS7"));
    writeFileSync(path.join(dir, "ra.pem"), raPem);
    writeFileSync(path.join(dir, "ra.key"), testdata("ra.key"));
    openssl(["cms", "-verify", "-inform", "PEM", "-in", path.join(dir, "rep.pem"), "-CAfile", path.join(dir, "ra.pem"), "-noverify", "-binary", "-out", path.join(dir, "env.der")]);
    const attributes = openssl(["cms", "-cmsout", "-print", "-inform", "PEM", "-in", path.join(dir, "rep.pem")]);
    expect(attributes).toContain("2.16.840.1.113733.1.9.3"); // pkiStatus
    expect(attributes).toContain(message.transactionId);
    openssl(["cms", "-decrypt", "-inform", "DER", "-in", path.join(dir, "env.der"), "-inkey", path.join(dir, "ra.key"), "-recip", path.join(dir, "ra.pem"), "-binary", "-out", path.join(dir, "certs.der")]);
    const first = openssl(["pkcs7", "-inform", "DER", "-in", path.join(dir, "certs.der"), "-print_certs"]).match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/)![0];
    expect(createHash("sha256").update(new X509Certificate(first).raw).digest("hex")).toBe(createHash("sha256").update(issued).digest("hex"));
  });

  it("FAILURE: no content, failInfo and the request's nonce and transaction, and it verifies", () => {
    const dir = tempDir("certdoor-scep-");
    const der = buildCertRep({ certificateDer: raDer, privateKey: raKey }, message, { status: "FAILURE", failInfo: "badRequest" });
    writeFileSync(path.join(dir, "rep.pem"), toPem(der, "PKCS7"));
    const printed = openssl(["cms", "-cmsout", "-print", "-inform", "PEM", "-in", path.join(dir, "rep.pem")]);
    expect(printed).toContain("eContent: <ABSENT>");
    expect(printed).toMatch(/2\.16\.840\.1\.113733\.1\.9\.4[\s\S]*?PRINTABLESTRING:2/);
    expect(printed.replace(/\s/g, "")).toContain(message.senderNonce.toString("hex").match(/../g)!.join("").slice(0, 8));
    expect(readPkiMessage(der)).toMatchObject({ messageType: "3", transactionId: message.transactionId });
  });
});
