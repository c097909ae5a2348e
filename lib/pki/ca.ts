import "reflect-metadata";
import { randomBytes, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

// Creating CAs: rare (a root and an issuing CA per Frontdoor, more at rotations), so the readable
// @peculiar/x509 generator is used here; the hot path (issuing leaves) is lib/pki/issue.ts.
// Every CA key is ECDSA P-256, signatures ecdsa-with-SHA256.

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
export const YEAR_MS = 365.25 * 24 * 3600_000;
const ROOT_YEARS = 10;
/** How long a new issuing CA lives (never past its root). */
export const ISSUING_CA_YEARS = 5;

export type NewCa = {
  certificatePem: string;
  pkcs8Der: Uint8Array;
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

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as CryptoKeyPair;
}

async function exportPkcs8(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await webcrypto.subtle.exportKey("pkcs8", key as webcrypto.CryptoKey));
}

const caKeyUsage = new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true);

/** A self-signed root, 10 years. */
async function createSelfSigned(name: x509.JsonName, now: Date): Promise<NewCa> {
  const keys = await generateKeys();
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + ROOT_YEARS * YEAR_MS);
  const serialNumber = randomSerialHex();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber,
    name,
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), caKeyUsage, await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)],
  });
  return { certificatePem: cert.toString("pem") + "\n", pkcs8Der: await exportPkcs8(keys.privateKey), subject: cert.subject, serialNumber, notBefore, notAfter, keyAlgorithm: "EC-P256" };
}

/** A root named by a label (tests and benchmarks: a chain without a Frontdoor). */
export function createRootCa(label: string, now = new Date()): Promise<NewCa> {
  return createSelfSigned([{ O: ["Certdoor"] }, { CN: [`Certdoor Root CA ${label}`] }], now);
}

/**
 * A Frontdoor's own root: the anchor of its trust domain, which signs only that Frontdoor's
 * issuing CAs. A root made when a rotation moves a Frontdoor onto a new root carries the
 * generation of the issuing CA it is made for: two roots of one Frontdoor never share a subject.
 */
export function createFrontdoorRootCa(frontdoor: { id: string; name: string }, now = new Date(), generation = 1): Promise<NewCa> {
  return createSelfSigned([{ O: ["Certdoor"] }, { OU: [`Frontdoor ${frontdoor.id}`] }, { CN: [`${frontdoor.name} root CA${generation > 1 ? ` ${generation}` : ""}`] }], now);
}

/**
 * A Frontdoor's issuing CA: signed by its root, pathLen 0, 5 years (never past the root).
 * A CA made by rotation (generation 2, 3, …) carries its generation in its common name: two
 * CAs of one Frontdoor never share a subject, so CRLs, OCSP CertIDs and chain building
 * never have to tell them apart by key alone.
 */
export async function createIntermediateCa(
  root: { certificatePem: string; pkcs8Der: Uint8Array },
  frontdoor: { id: string; name: string },
  now = new Date(),
  generation = 1,
): Promise<NewCa> {
  const rootCert = new x509.X509Certificate(root.certificatePem);
  const rootKey = await webcrypto.subtle.importKey("pkcs8", root.pkcs8Der, ALGORITHM, false, ["sign"]);
  const keys = await generateKeys();
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(Math.min(now.getTime() + ISSUING_CA_YEARS * YEAR_MS, rootCert.notAfter.getTime()));
  const serialNumber = randomSerialHex();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber,
    subject: [{ O: ["Certdoor"] }, { OU: [`Frontdoor ${frontdoor.id}`] }, { CN: [`${frontdoor.name} issuing CA${generation > 1 ? ` ${generation}` : ""}`] }],
    issuer: rootCert.subject,
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: rootKey as CryptoKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      caKeyUsage,
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootCert.publicKey),
    ],
  });
  return { certificatePem: cert.toString("pem") + "\n", pkcs8Der: await exportPkcs8(keys.privateKey), subject: cert.subject, serialNumber, notBefore, notAfter, keyAlgorithm: "EC-P256" };
}
