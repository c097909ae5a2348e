import "reflect-metadata";
import { IssuerAndSerialNumber } from "@peculiar/asn1-cms";
import { AsnConvert } from "@peculiar/asn1-schema";
import type { AttributeTypeAndValue, AttributeValue, Certificate, Name } from "@peculiar/asn1-x509";

// Who a CMS recipient or signer is: issuerAndSerialNumber (what SCEP clients send) or a
// subjectKeyIdentifier, compared by their DER.

const same = (a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array) => Buffer.from(a as ArrayBuffer).equals(Buffer.from(b as ArrayBuffer));

/** The issuerAndSerialNumber naming a certificate. */
export const issuerAndSerialOf = (certificate: Certificate) =>
  new IssuerAndSerialNumber({ issuer: certificate.tbsCertificate.issuer, serialNumber: certificate.tbsCertificate.serialNumber });

/**
 * A string value's DER, serialized once per parsed value: one identifier is compared with
 * every certificate a message carries, and its value would be serialized again each time.
 */
const stringDers = new WeakMap<AttributeValue, Buffer>();
function stringDer(value: AttributeValue): Buffer {
  let der = stringDers.get(value);
  if (!der) stringDers.set(value, (der = Buffer.from(AsnConvert.serialize(value))));
  return der;
}

/**
 * Whether two attributes of a name have the same DER. A value of no string type (a raw ANY)
 * is compared by its octets, never serialized: that would re-read it with asn1js's defaults
 * (lib/pki/asn1-parse.ts), and a message can make this comparison once per certificate and
 * recipient it carries, so a bound per comparison would not bound the request.
 */
function sameAttribute(a: AttributeTypeAndValue, b: AttributeTypeAndValue): boolean {
  if (a.type !== b.type) return false;
  const [x, y] = [a.value.anyValue, b.value.anyValue];
  // A NULL value is read as null, not as octets: it is serialized below, as the strings are.
  if (x || y) return Boolean(x && y) && same(x!, y!);
  return stringDer(a.value).equals(stringDer(b.value));
}

/** Whether two names have the same DER (RDN by RDN, in their order). */
const sameName = (a: Name, b: Name) => a.length === b.length && a.every((rdn, i) => rdn.length === b[i]!.length && rdn.every((value, j) => sameAttribute(value, b[i]![j]!)));

/** Whether an identifier (either form) names the certificate. */
export function names(id: { issuerAndSerialNumber?: IssuerAndSerialNumber; subjectKeyIdentifier?: { buffer: ArrayBuffer } }, certificate: Certificate, keyIdentifier?: ArrayBuffer): boolean {
  if (id.issuerAndSerialNumber) {
    return same(id.issuerAndSerialNumber.serialNumber, certificate.tbsCertificate.serialNumber) && sameName(id.issuerAndSerialNumber.issuer, certificate.tbsCertificate.issuer);
  }
  return Boolean(id.subjectKeyIdentifier && keyIdentifier && same(id.subjectKeyIdentifier.buffer, keyIdentifier));
}
