import "reflect-metadata";
import { createHash, X509Certificate } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
  id_kp_clientAuth,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import { createIntermediateCa, createRootCa, ISSUING_CA_YEARS, YEAR_MS } from "@/lib/pki/ca";
import { checkCsr } from "@/lib/pki/csr";
import { type IssueRequest, issueClientCertificate } from "@/lib/pki/issue";
import { makeIssuer } from "@/lib/pki/issuer";
import { opensslCsr } from "@/lib/testing/openssl";

// The issuer assembles certificates from DER parts for speed. The oracle here builds the
// same TBSCertificate wholly through the @peculiar/asn1-x509 types, as the issuer once
// did; both must give the same bytes for every kind of key, subject and date.

function referenceTbs(request: IssueRequest & { serialNumber: string; now: Date }): Uint8Array {
  const notBefore = new Date(Math.floor(request.now.getTime() / 1000) * 1000 - 60_000);
  const notAfter = new Date(notBefore.getTime() + 60_000 + request.validDays * 86_400_000);
  const spki = AsnConvert.parse(request.spkiDer, SubjectPublicKeyInfo);
  const keyId = createHash("sha1").update(Buffer.from(spki.subjectPublicKey)).digest();
  const ext = (extnID: string, critical: boolean, value: unknown) => new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
  const rdn = (type: string, value: string) => new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
  const rdns = [
    ...(request.subject.organization ? [rdn("2.5.4.10", request.subject.organization)] : []),
    ...(request.subject.organizationalUnit ? [rdn("2.5.4.11", request.subject.organizationalUnit)] : []),
    rdn("2.5.4.3", request.subject.commonName),
  ];
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(Buffer.from(request.serialNumber, "hex")).buffer,
    signature: new AlgorithmIdentifier({ algorithm: "1.2.840.10045.4.3.2" }),
    issuer: request.issuer.name,
    validity: new Validity({ notBefore, notAfter }),
    subject: new Name(rdns),
    subjectPublicKeyInfo: spki,
    extensions: new Extensions([
      ext(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
      ext(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature | (request.isRsa ? KeyUsageFlags.keyEncipherment : 0))),
      ext(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_clientAuth])),
      ext(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId)),
      ext(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(request.issuer.keyIdentifier) })),
    ]),
  });
  return new Uint8Array(AsnConvert.serialize(tbs));
}

describe("issuing from DER parts", () => {
  it("gives byte for byte the TBSCertificate the @peculiar types build, for every key, subject and date", async () => {
    // A CA alive at every date below (2059 + 5 years): none of them is cut to the CA's end.
    const caBorn = new Date("2059-06-01T00:00:00Z");
    const root = await createRootCa("oracle", caBorn);
    const intermediate = await createIntermediateCa(root, { id: "00000000-0000-4000-8000-000000000003", name: "oracle" }, caBorn);
    const issuer = makeIssuer({ id: "i", certificatePem: intermediate.certificatePem, signer: intermediate.signer, chainPem: "" });
    const subjects = [
      { commonName: "a", organization: null, organizationalUnit: null },
      { commonName: "build-agent-7.ci.example.com", organization: "Example Corp", organizationalUnit: "CI" },
      { commonName: "ü".repeat(64), organization: "Ω Org", organizationalUnit: null },
      { commonName: "x".repeat(64), organization: "o".repeat(64), organizationalUnit: "u".repeat(64) },
    ];
    const dates = [new Date("2026-11-29T05:51:38.123Z"), new Date("2049-12-31T23:59:59Z"), new Date("2060-01-01T00:00:00Z")];
    for (const spec of ["ec-p256", "ec-p384", "rsa-2048", "rsa-3072"] as const) {
      const csr = checkCsr(opensslCsr(spec).csrPem);
      for (const [i, subject] of subjects.entries()) {
        for (const now of dates) {
          const request = { issuer, spkiDer: csr.spkiDer, isRsa: csr.isRsa, subject, validDays: i === 3 ? 825 : 1 + i * 100, now, serialNumber: `4${i}${"0f".repeat(15)}` };
          const issued = await issueClientCertificate(request);
          const parsed = AsnConvert.parse(issued.der, Certificate);
          expect(Buffer.from(AsnConvert.serialize(parsed.tbsCertificate))).toEqual(Buffer.from(referenceTbs(request)));
          // The whole certificate re-serializes to itself: every length and tag is well formed.
          expect(Buffer.from(AsnConvert.serialize(parsed))).toEqual(Buffer.from(issued.der));
        }
      }
    }
  }, 60_000); // four openssl key generations, RSA-3072 among them
});

describe("the issuing CA's end", () => {
  it("cuts a certificate's notAfter to its issuing CA's, and leaves shorter ones alone", async () => {
    // An issuing CA made (5 years − 10 days) ago ends in 10 days.
    const born = new Date(Date.now() - ISSUING_CA_YEARS * YEAR_MS + 10 * 86_400_000);
    const root = await createRootCa("ending", born);
    const intermediate = await createIntermediateCa(root, { id: "00000000-0000-4000-8000-000000000004", name: "ending" }, born);
    const issuer = makeIssuer({ id: "i", certificatePem: intermediate.certificatePem, signer: intermediate.signer, chainPem: "" });
    const csr = checkCsr(opensslCsr("ec-p256").csrPem);
    const subject = { commonName: "short-lived", organization: null, organizationalUnit: null };
    const year = await issueClientCertificate({ issuer, spkiDer: csr.spkiDer, isRsa: false, subject, validDays: 365 });
    expect(year.notAfter.getTime()).toBe(new Date(new X509Certificate(intermediate.certificatePem).validTo).getTime());
    expect(new Date(new X509Certificate(year.pem).validTo).getTime()).toBe(year.notAfter.getTime());
    const week = await issueClientCertificate({ issuer, spkiDer: csr.spkiDer, isRsa: false, subject, validDays: 7 });
    expect(week.notAfter.getTime()).toBe(week.notBefore.getTime() + 60_000 + 7 * 86_400_000);
  });

  it("refuses to sign with an issuing CA that has ended (the clamp would make a certificate that ends before it begins)", async () => {
    const born = new Date(Date.now() - ISSUING_CA_YEARS * YEAR_MS - 86_400_000);
    const root = await createRootCa("ended", born);
    const intermediate = await createIntermediateCa(root, { id: "00000000-0000-4000-8000-000000000005", name: "ended" }, born);
    const issuer = makeIssuer({ id: "ended-ca", certificatePem: intermediate.certificatePem, signer: intermediate.signer, chainPem: "" });
    const csr = checkCsr(opensslCsr("ec-p256").csrPem);
    const subject = { commonName: "too late", organization: null, organizationalUnit: null };
    await expect(issueClientCertificate({ issuer, spkiDer: csr.spkiDer, isRsa: false, subject, validDays: 30 })).rejects.toThrow(/ended-ca ends at .*rotate it/);
  });
});
