import "reflect-metadata";
import { createHash, sign } from "node:crypto";
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
import { randomSerialHex } from "@/lib/pki/ca";
import { arrayBufferOf, hexToArrayBuffer } from "@/lib/pki/bytes";
import type { Issuer } from "@/lib/pki/issuer";
import { toPem } from "@/lib/pki/pem";

// Issuing a client certificate: the one replaceable step of redemption. Built from the
// @peculiar/asn1-x509 types and signed with Node's synchronous crypto (the issuing CA's
// key is always ECDSA P-256). The profile is the contract's: CA:FALSE, digitalSignature
// (+ keyEncipherment for RSA keys), clientAuth, SKI/AKI, a random serial, notBefore one
// minute back. Nothing the request asked for beyond its key is copied.

const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
const OID = { organization: "2.5.4.10", organizationalUnit: "2.5.4.11", commonName: "2.5.4.3" };

export type LeafSubject = { commonName: string; organization: string | null; organizationalUnit: string | null };

export type IssueRequest = {
  issuer: Issuer;
  spkiDer: Uint8Array;
  isRsa: boolean;
  subject: LeafSubject;
  validDays: number;
  now?: Date;
};

export type IssuedCertificate = {
  der: Uint8Array;
  pem: string;
  serialNumber: string;
  fingerprintSha256: string;
  notBefore: Date;
  notAfter: Date;
};

function rdn(type: string, value: string): RelativeDistinguishedName {
  return new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
}

/** O, OU, CN: one attribute per RDN, most significant first, UTF8String (RFC 5280 §4.1.2.6). */
export function subjectName(subject: LeafSubject): Name {
  const rdns: RelativeDistinguishedName[] = [];
  if (subject.organization) rdns.push(rdn(OID.organization, subject.organization));
  if (subject.organizationalUnit) rdns.push(rdn(OID.organizationalUnit, subject.organizationalUnit));
  rdns.push(rdn(OID.commonName, subject.commonName));
  return new Name(rdns);
}

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

export function issueClientCertificate(request: IssueRequest): IssuedCertificate {
  const now = request.now ?? new Date();
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - 60_000);
  const notAfter = new Date(notBefore.getTime() + 60_000 + request.validDays * 86_400_000);
  const serialNumber = randomSerialHex();
  const spki = AsnConvert.parse(request.spkiDer, SubjectPublicKeyInfo);
  // RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits.
  const keyId = createHash("sha1").update(Buffer.from(spki.subjectPublicKey)).digest();
  const usage = KeyUsageFlags.digitalSignature | (request.isRsa ? KeyUsageFlags.keyEncipherment : 0);

  const signatureAlgorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: hexToArrayBuffer(serialNumber),
    signature: signatureAlgorithm,
    issuer: request.issuer.name,
    validity: new Validity({ notBefore, notAfter }),
    subject: subjectName(request.subject),
    subjectPublicKeyInfo: spki,
    extensions: new Extensions([
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
      extension(id_ce_keyUsage, true, new KeyUsage(usage)),
      extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_clientAuth])),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId)),
      extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(request.issuer.keyIdentifier) })),
    ]),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = sign("sha256", tbsDer, { key: request.issuer.privateKey, dsaEncoding: "der" });
  const certificate = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm,
    signatureValue: arrayBufferOf(signature),
  });
  const der = new Uint8Array(AsnConvert.serialize(certificate));
  return {
    der,
    pem: toPem(der, "CERTIFICATE"),
    serialNumber,
    fingerprintSha256: createHash("sha256").update(der).digest("hex"),
    notBefore,
    notAfter,
  };
}
