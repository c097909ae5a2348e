import "reflect-metadata";
import { Attribute } from "@peculiar/asn1-cms";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { parseClientAsn1 } from "@/lib/pki/asn1-parse";
import { readTlv, TAG, tlv } from "@/lib/pki/der";

// SCEP's authenticated attributes (RFC 8894 §3.2.1.x): what a request says about itself and
// what a CertRep answers, and the challengePassword (PKCS#9) inside the PKCS#10.

export const SCEP_OID = {
  messageType: "2.16.840.1.113733.1.9.2",
  pkiStatus: "2.16.840.1.113733.1.9.3",
  failInfo: "2.16.840.1.113733.1.9.4",
  senderNonce: "2.16.840.1.113733.1.9.5",
  recipientNonce: "2.16.840.1.113733.1.9.6",
  transactionId: "2.16.840.1.113733.1.9.7",
} as const;
export const CMS_OID = { contentType: "1.2.840.113549.1.9.3", messageDigest: "1.2.840.113549.1.9.4", data: "1.2.840.113549.1.7.1" } as const;
const CHALLENGE_PASSWORD = "1.2.840.113549.1.9.7";

export const MESSAGE_TYPE = { certRep: "3", renewalReq: "17", pkcsReq: "19" } as const;
export type FailInfo = "badAlg" | "badMessageCheck" | "badRequest" | "badTime" | "badCertID";
export const FAIL_INFO: Record<FailInfo, string> = { badAlg: "0", badMessageCheck: "1", badRequest: "2", badTime: "3", badCertID: "4" };

/** String types a DirectoryString or a SCEP PrintableString may arrive as (clients differ). */
const STRING_TAGS = new Set([0x13, 0x0c, 0x16, 0x14]);

/** The text of a string TLV, or null. */
function stringValue(der: ArrayBuffer | undefined): string | null {
  if (!der) return null;
  const bytes = new Uint8Array(der);
  const value = readTlv(bytes, 0);
  if (value.end !== bytes.length) return null;
  if (STRING_TAGS.has(value.tag)) return Buffer.from(bytes.subarray(value.contentStart, value.end)).toString("utf8");
  if (value.tag === 0x1e) return Buffer.from(bytes.subarray(value.contentStart, value.end)).swap16().toString("utf16le"); // BMPString
  return null;
}

/** The octets of an OCTET STRING TLV, or null. */
function octetsValue(der: ArrayBuffer | undefined): Buffer | null {
  if (!der) return null;
  const bytes = new Uint8Array(der);
  const value = readTlv(bytes, 0);
  return value.tag === TAG.octetString && value.end === bytes.length ? Buffer.from(bytes.subarray(value.contentStart, value.end)) : null;
}

const single = (attributes: Attribute[], oid: string) => {
  const found = attributes.filter((a) => a.attrType === oid);
  return found.length === 1 && found[0]!.attrValues.length === 1 ? found[0]!.attrValues[0] : undefined;
};

/** The attributes a CertRep needs from its request; null when one is missing (no CertRep can then be addressed). */
export function requestAttributes(attributes: Attribute[]): { messageType: string; transactionId: string; senderNonce: Buffer } | null {
  try {
    const messageType = stringValue(single(attributes, SCEP_OID.messageType));
    const transactionId = stringValue(single(attributes, SCEP_OID.transactionId));
    const senderNonce = octetsValue(single(attributes, SCEP_OID.senderNonce));
    if (messageType === null || transactionId === null || !senderNonce || senderNonce.length === 0 || senderNonce.length > 64 || transactionId.length > 128) return null;
    return { messageType, transactionId, senderNonce };
  } catch {
    return null;
  }
}

/** The message digest a signer signed (its messageDigest attribute), or null. */
export const messageDigestOf = (attributes: Attribute[]): Buffer | null => {
  try {
    return octetsValue(single(attributes, CMS_OID.messageDigest));
  } catch {
    return null;
  }
};

/** One attribute with one value, DER. */
export const attribute = (oid: string, valueDer: Uint8Array) => new Attribute({ attrType: oid, attrValues: [new Uint8Array(valueDer).buffer] });
export const printable = (text: string) => tlv(0x13, Buffer.from(text, "latin1"));
export const octets = (bytes: Uint8Array) => tlv(TAG.octetString, bytes);

/** The challengePassword of a PKCS#10 (DER), or null when it has none or the request does not parse. */
export function challengePasswordOf(csrDer: Uint8Array): string | null {
  try {
    const csr = parseClientAsn1(csrDer, CertificationRequest);
    const found = csr.certificationRequestInfo.attributes.filter((a) => a.type === CHALLENGE_PASSWORD);
    return found.length === 1 && found[0]!.values.length === 1 ? stringValue(found[0]!.values[0]) : null;
  } catch {
    return null;
  }
}
