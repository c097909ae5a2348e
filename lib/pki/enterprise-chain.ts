import "reflect-metadata";
import { X509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { PkiError } from "@/lib/pki/errors";
import { splitPemChain } from "@/lib/pki/pem";

// What `ca import` checks of an issuing CA certificate an enterprise root signed, before it
// signs anything: it is for the key Certdoor holds (else every certificate it issued would
// fail to verify), it may sign certificates and CRLs, and it chains, through what the
// operator gave, to a self-signed root, every link's signature verifying and every
// certificate valid now. OpenSSL judges signatures and name matching (Node's
// X509Certificate: any algorithm the enterprise uses, RSA, RSA-PSS, ECDSA, EdDSA).

/** Longer chains than this are refused rather than walked (no enterprise hierarchy is this deep). */
const MAX_DEPTH = 8;

export type ParsedCertificate = { pem: string; node: X509Certificate; info: x509.X509Certificate };

export type EnterpriseChain = {
  subject: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** The chain above the certificate, nearest first: intermediates, then the self-signed root. */
  abovePem: string[];
  rootSubject: string;
};

/** Every certificate in a PEM text, parsed; null when there is none or one does not parse. */
export function parsePemCertificates(text: string): ParsedCertificate[] | null {
  try {
    const parsed = splitPemChain(text).map((pem) => ({ pem: pem.endsWith("\n") ? pem : `${pem}\n`, node: new X509Certificate(pem), info: new x509.X509Certificate(pem) }));
    return parsed.length > 0 ? parsed : null;
  } catch {
    return null;
  }
}

const isSelfSigned = (c: ParsedCertificate) => c.node.checkIssued(c.node) && c.node.verify(c.node.publicKey);
const basicConstraints = (c: ParsedCertificate) => c.info.getExtension(x509.BasicConstraintsExtension);
const hasUsage = (c: ParsedCertificate, flag: x509.KeyUsageFlags) => {
  const usage = c.info.getExtension(x509.KeyUsagesExtension);
  return usage !== null && (usage.usages & flag) === flag;
};
const chainInvalid = (detail: string) => new PkiError("ca_import_chain_invalid", detail);

function assertValidNow(c: ParsedCertificate, now: Date, role: string): void {
  if (c.info.notBefore > now) throw chainInvalid(`${role} ${c.info.subject} is not valid before ${c.info.notBefore.toISOString()}.`);
  if (c.info.notAfter < now) throw chainInvalid(`${role} ${c.info.subject} expired on ${c.info.notAfter.toISOString()}.`);
}

/**
 * An issuer in the chain must be a CA allowed to sign certificates, and allowed to have
 * `below` CA certificates under it (pathLenConstraint; the imported CA counts as one).
 */
function assertIssuerMayIssue(issuer: ParsedCertificate, below: number): void {
  const constraints = basicConstraints(issuer);
  if (!constraints?.ca) throw chainInvalid(`${issuer.info.subject} in the chain is not a CA (its basicConstraints do not say CA:TRUE).`);
  const usage = issuer.info.getExtension(x509.KeyUsagesExtension);
  if (usage && !hasUsage(issuer, x509.KeyUsageFlags.keyCertSign)) throw chainInvalid(`${issuer.info.subject} in the chain may not sign certificates (its keyUsage lacks keyCertSign).`);
  const pathLength = constraints.pathLength;
  if (pathLength !== undefined && pathLength < below) {
    throw chainInvalid(`${issuer.info.subject} allows ${pathLength} CA certificate(s) below it (pathlen:${pathLength}); this chain puts ${below} there.`);
  }
}

/** The issuer of `child` among `pool`: names match (OpenSSL's check) and its key verifies the signature. */
function findIssuer(child: ParsedCertificate, pool: ParsedCertificate[]): ParsedCertificate {
  const named = pool.filter((c) => c !== child && child.node.checkIssued(c.node));
  const issuer = named.find((c) => child.node.verify(c.node.publicKey));
  if (issuer) return issuer;
  if (named.length > 0) throw chainInvalid(`The signature on ${child.info.subject} does not verify with the key of ${named[0]!.info.subject}.`);
  throw chainInvalid(`The chain given does not hold ${child.info.issuer}, the issuer of ${child.info.subject}: give its certificate (and those above it, up to the root) with --chain.`);
}

/**
 * Checks an issuing CA certificate for `publicKeyDer` (SPKI) against the chain it came with
 * (`pool`: intermediates and the root, any order); returns the path to the root. Refusals:
 * ca_import_key_mismatch, ca_import_not_a_ca, ca_import_chain_invalid.
 */
export function checkEnterpriseCa(certificate: ParsedCertificate, pool: ParsedCertificate[], publicKeyDer: Uint8Array, now = new Date()): EnterpriseChain {
  const spki = certificate.node.publicKey.export({ type: "spki", format: "der" });
  if (!spki.equals(Buffer.from(publicKeyDer))) {
    throw new PkiError("ca_import_key_mismatch", `The certificate (${certificate.info.subject}) is not for the key of this Frontdoor's pending request: sign the request \`certdoor ca csr\` wrote last.`);
  }
  if (!basicConstraints(certificate)?.ca) throw new PkiError("ca_import_not_a_ca", `The certificate (${certificate.info.subject}) is not a CA: its basicConstraints must say CA:TRUE.`);
  for (const [flag, name, why] of [
    [x509.KeyUsageFlags.keyCertSign, "keyCertSign", "to sign certificates"],
    [x509.KeyUsageFlags.cRLSign, "cRLSign", "to sign its CRLs"],
  ] as const) {
    if (!hasUsage(certificate, flag)) throw new PkiError("ca_import_not_a_ca", `The certificate (${certificate.info.subject}) needs keyUsage ${name} ${why}.`);
  }
  assertValidNow(certificate, now, "The certificate");
  if (isSelfSigned(certificate)) throw chainInvalid("The certificate is self-signed: it must be signed by your enterprise CA.");

  const above: ParsedCertificate[] = [];
  for (let child = certificate; ; ) {
    if (above.length === MAX_DEPTH) throw chainInvalid(`The chain is longer than ${MAX_DEPTH} certificates without reaching a self-signed root.`);
    const issuer = findIssuer(child, pool);
    if (above.includes(issuer)) throw chainInvalid(`The chain loops at ${issuer.info.subject}.`);
    assertValidNow(issuer, now, "The chain's certificate");
    assertIssuerMayIssue(issuer, above.length + 1);
    above.push(issuer);
    if (isSelfSigned(issuer)) break;
    child = issuer;
  }
  const root = above.at(-1)!;
  return {
    subject: certificate.info.subject,
    serialNumber: certificate.info.serialNumber.toLowerCase(),
    notBefore: certificate.info.notBefore,
    notAfter: certificate.info.notAfter,
    abovePem: above.map((c) => c.pem),
    rootSubject: root.info.subject,
  };
}
