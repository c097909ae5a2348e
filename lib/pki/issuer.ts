import "reflect-metadata";
import { createHash } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate, id_ce_subjectKeyIdentifier, type Name, SubjectKeyIdentifier } from "@peculiar/asn1-x509";
import { fromPem } from "@/lib/pki/pem";
import type { Signer } from "@/lib/pki/signer";

// A CA ready to sign: its parsed certificate pieces and a Signer for its key (wherever the
// key store keeps it).
// Built once per CA and cached by the caller (lib/domain/ca/store.ts).

export type Issuer = {
  id: string;
  name: Name;
  keyIdentifier: ArrayBuffer;
  signer: Signer;
  certificatePem: string;
  /** This CA, then its issuers up to the root. */
  chainPem: string;
  /** The end of this CA's own validity: nothing it signs may outlive it. */
  notAfter: Date;
};

export function parseCertificatePem(pem: string): Certificate {
  const der = fromPem(pem, ["CERTIFICATE"]);
  if (!der) throw new Error("not a PEM certificate");
  return AsnConvert.parse(der, Certificate);
}

/**
 * The CA's key identifier, for the authority key identifier of what it signs. A CA an
 * enterprise root signed may lack the extension (RFC 5280 says MUST, not every CA does):
 * then RFC 5280's method 1, the SHA-1 of the public key, as OCSP's ResponderID byKey is.
 */
export function subjectKeyIdentifierOf(certificate: Certificate): ArrayBuffer {
  const extension = certificate.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
  if (!extension) return new Uint8Array(createHash("sha1").update(new Uint8Array(certificate.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey)).digest()).buffer;
  return AsnConvert.parse(extension.extnValue, SubjectKeyIdentifier).buffer;
}

export function makeIssuer(ca: { id: string; certificatePem: string; signer: Signer; chainPem: string }): Issuer {
  const certificate = parseCertificatePem(ca.certificatePem);
  return {
    id: ca.id,
    name: certificate.tbsCertificate.subject,
    keyIdentifier: subjectKeyIdentifierOf(certificate),
    signer: ca.signer,
    certificatePem: ca.certificatePem,
    chainPem: ca.chainPem,
    notAfter: certificate.tbsCertificate.validity.notAfter.getTime(),
  };
}
