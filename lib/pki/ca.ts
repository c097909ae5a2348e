import "reflect-metadata";
import { createHash, randomBytes } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  AlgorithmIdentifier,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  Extension,
  Extensions,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from "@peculiar/asn1-x509";
import * as x509 from "@peculiar/x509";
import { parseCertificatePem, subjectKeyIdentifierOf } from "@/lib/pki/issuer";
import { toPem } from "@/lib/pki/pem";
import { type CaKeyPair, type Signer, softwareKeyPair } from "@/lib/pki/signer";

// Creating CAs: rare (a root and an issuing CA per Frontdoor, more at rotations). The
// certificate is built from the @peculiar/asn1-x509 types and signed by a Signer, so the
// key may live anywhere a key store keeps it (lib/domain/ca/key-store): no step here needs
// the private key's bytes. Every CA key is ECDSA P-256, signatures ecdsa-with-SHA256.

const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
export const YEAR_MS = 365.25 * 24 * 3600_000;
const ROOT_YEARS = 10;
/** How long a new issuing CA lives (never past its root). */
export const ISSUING_CA_YEARS = 5;

export type NewCa = {
  certificatePem: string;
  /** Signs with the new CA's key (wherever its key store keeps it). */
  signer: Signer;
  subject: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  keyAlgorithm: "EC-P256";
};

/** A positive serial of 127 random bits (RFC 5280 asks for at most 20 octets, CAB for ≥ 64 bits). */
export function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes.toString("hex");
}

const extension = (extnID: string, critical: boolean, value: unknown) => new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
const nameOf = (name: x509.JsonName) => AsnConvert.parse(new x509.Name(name).toArrayBuffer(), Name);

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdOf(spki: SubjectPublicKeyInfo): ArrayBuffer {
  const digest = createHash("sha1").update(Buffer.from(spki.subjectPublicKey)).digest();
  return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength) as ArrayBuffer;
}

type CaCertificate = { subject: Name; issuer: Name; spkiDer: Uint8Array; pathLen?: number; authorityKeyId?: ArrayBuffer; notBefore: Date; notAfter: Date; signer: Signer };

/** A CA certificate (CA:TRUE critical, keyCertSign + cRLSign critical, SKI, AKI unless self-signed), signed by `signer`. */
async function signCaCertificate(spec: CaCertificate): Promise<{ pem: string; serialNumber: string; subject: string }> {
  const spki = AsnConvert.parse(spec.spkiDer, SubjectPublicKeyInfo);
  const serialNumber = randomSerialHex();
  const signatureAlgorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(Buffer.from(serialNumber, "hex")).buffer,
    signature: signatureAlgorithm,
    issuer: spec.issuer,
    validity: new Validity({ notBefore: spec.notBefore, notAfter: spec.notAfter }),
    subject: spec.subject,
    subjectPublicKeyInfo: spki,
    extensions: new Extensions([
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: spec.pathLen })),
      extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdOf(spki))),
      ...(spec.authorityKeyId ? [extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(spec.authorityKeyId) }))] : []),
    ]),
  });
  const signature = await spec.signer.sign(new Uint8Array(AsnConvert.serialize(tbs)));
  const der = AsnConvert.serialize(new Certificate({ tbsCertificate: tbs, signatureAlgorithm, signatureValue: new Uint8Array(signature).buffer }));
  return { pem: toPem(new Uint8Array(der), "CERTIFICATE"), serialNumber, subject: new x509.Name(AsnConvert.serialize(spec.subject)).toString() };
}

/** A self-signed root, 10 years, on the given key pair (one made in this process unless given). */
async function createSelfSigned(name: x509.JsonName, now: Date, key: CaKeyPair): Promise<NewCa> {
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + ROOT_YEARS * YEAR_MS);
  const subject = nameOf(name);
  const made = await signCaCertificate({ subject, issuer: subject, spkiDer: key.spkiDer, notBefore, notAfter, signer: key.signer });
  return { certificatePem: made.pem, signer: key.signer, subject: made.subject, serialNumber: made.serialNumber, notBefore, notAfter, keyAlgorithm: "EC-P256" };
}

/** A root named by a label (tests and benchmarks: a chain without a Frontdoor). */
export function createRootCa(label: string, now = new Date(), key: CaKeyPair = softwareKeyPair()): Promise<NewCa> {
  return createSelfSigned([{ O: ["Certdoor"] }, { CN: [`Certdoor Root CA ${label}`] }], now, key);
}

/**
 * A Frontdoor's own root: the anchor of its trust domain, which signs only that Frontdoor's
 * issuing CAs. A root made when a rotation moves a Frontdoor onto a new root carries the
 * generation of the issuing CA it is made for: two roots of one Frontdoor never share a subject.
 */
export function createFrontdoorRootCa(frontdoor: { id: string; name: string }, now: Date, generation: number, key: CaKeyPair): Promise<NewCa> {
  return createSelfSigned([{ O: ["Certdoor"] }, { OU: [`Frontdoor ${frontdoor.id}`] }, { CN: [`${frontdoor.name} root CA${generation > 1 ? ` ${generation}` : ""}`] }], now, key);
}

/**
 * A Frontdoor's issuing CA: signed by its root, pathLen 0, 5 years (never past the root).
 * A CA made by rotation (generation 2, 3, …) carries its generation in its common name: two
 * CAs of one Frontdoor never share a subject, so CRLs, OCSP CertIDs and chain building
 * never have to tell them apart by key alone.
 */
export async function createIntermediateCa(
  root: { certificatePem: string; signer: Signer },
  frontdoor: { id: string; name: string },
  now = new Date(),
  generation = 1,
  key: CaKeyPair = softwareKeyPair(),
): Promise<NewCa> {
  const rootCert = parseCertificatePem(root.certificatePem);
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(Math.min(now.getTime() + ISSUING_CA_YEARS * YEAR_MS, rootCert.tbsCertificate.validity.notAfter.getTime().getTime()));
  const made = await signCaCertificate({
    subject: nameOf([{ O: ["Certdoor"] }, { OU: [`Frontdoor ${frontdoor.id}`] }, { CN: [`${frontdoor.name} issuing CA${generation > 1 ? ` ${generation}` : ""}`] }]),
    issuer: rootCert.tbsCertificate.subject,
    spkiDer: key.spkiDer,
    pathLen: 0,
    authorityKeyId: subjectKeyIdentifierOf(rootCert),
    notBefore,
    notAfter,
    signer: root.signer,
  });
  return { certificatePem: made.pem, signer: key.signer, subject: made.subject, serialNumber: made.serialNumber, notBefore, notAfter, keyAlgorithm: "EC-P256" };
}
