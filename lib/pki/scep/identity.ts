import "reflect-metadata";
import { IssuerAndSerialNumber } from "@peculiar/asn1-cms";
import { AsnConvert } from "@peculiar/asn1-schema";
import type { Certificate } from "@peculiar/asn1-x509";

// Who a CMS recipient or signer is: issuerAndSerialNumber (what SCEP clients send) or a
// subjectKeyIdentifier, compared by their DER.

const same = (a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array) => Buffer.from(a as ArrayBuffer).equals(Buffer.from(b as ArrayBuffer));

/** The issuerAndSerialNumber naming a certificate. */
export const issuerAndSerialOf = (certificate: Certificate) =>
  new IssuerAndSerialNumber({ issuer: certificate.tbsCertificate.issuer, serialNumber: certificate.tbsCertificate.serialNumber });

/** Whether an identifier (either form) names the certificate. */
export function names(id: { issuerAndSerialNumber?: IssuerAndSerialNumber; subjectKeyIdentifier?: { buffer: ArrayBuffer } }, certificate: Certificate, keyIdentifier?: ArrayBuffer): boolean {
  if (id.issuerAndSerialNumber) {
    return (
      same(id.issuerAndSerialNumber.serialNumber, certificate.tbsCertificate.serialNumber) &&
      same(AsnConvert.serialize(id.issuerAndSerialNumber.issuer), AsnConvert.serialize(certificate.tbsCertificate.issuer))
    );
  }
  return Boolean(id.subjectKeyIdentifier && keyIdentifier && same(id.subjectKeyIdentifier.buffer, keyIdentifier));
}
