import "reflect-metadata";
import { createHash, type KeyObject, randomBytes, sign } from "node:crypto";
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  id_data,
  id_signedData,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from "@peculiar/asn1-cms";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate } from "@peculiar/asn1-x509";
import { parseClientAsn1 } from "@/lib/pki/asn1-parse";
import { tlv } from "@/lib/pki/der";
import { certsOnlyPkcs7 } from "@/lib/pki/pkcs7";
import { attribute, CMS_OID, FAIL_INFO, type FailInfo, MESSAGE_TYPE, octets, printable, SCEP_OID } from "@/lib/pki/scep/attributes";
import type { ContentCipher } from "@/lib/pki/scep/ciphers";
import { sealEnvelope } from "@/lib/pki/scep/envelope";
import { issuerAndSerialOf } from "@/lib/pki/scep/identity";
import type { ScepAddress } from "@/lib/pki/scep/pki-message";

// The CertRep (RFC 8894 §3.3.2): a SignedData by the RA with the SCEP attributes, holding
// for SUCCESS an envelope, for the requester's signer certificate, of a certs-only PKCS#7
// whose FIRST certificate is the issued one (clients take the first as theirs), then its
// chain. FAILURE carries no content. Never PENDING: Certdoor decides at once.

const SHA256 = "2.16.840.1.101.3.4.2.1";
const RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
const DATA_OID_DER = Buffer.from("06092a864886f70d010701", "hex");

export type RaSigner = { certificateDer: Uint8Array; privateKey: KeyObject };
export type CertRepOutcome =
  | { status: "SUCCESS"; certificatesDer: Uint8Array[]; recipientDer: Uint8Array; cipher: ContentCipher }
  | { status: "FAILURE"; failInfo: FailInfo };

/** DER SET OF order (X.690 §11.6): OpenSSL re-encodes the attributes so before checking the signature. */
const derSorted = (encoded: Buffer[]) => [...encoded].sort(Buffer.compare);

/** The DER of a CertRep answering `request`. */
export function buildCertRep(ra: RaSigner, request: ScepAddress, outcome: CertRepOutcome): Uint8Array {
  const raCertificate = AsnConvert.parse(ra.certificateDer, Certificate);
  // The recipient is the requester's own signer certificate, so it is read as client input:
  // asn1js's defaults would decode what its extensions hold (a 40 KB BOOLEAN took 0.3 s). Its
  // issuer, serialized into the envelope, is within checkSignature's bound on raw ANY octets.
  const envelope =
    outcome.status === "SUCCESS"
      ? sealEnvelope(certsOnlyPkcs7(outcome.certificatesDer), outcome.recipientDer, parseClientAsn1(outcome.recipientDer, Certificate), outcome.cipher)
      : null;
  const attributes = [
    attribute(CMS_OID.contentType, DATA_OID_DER),
    attribute(CMS_OID.messageDigest, octets(createHash("sha256").update(envelope ?? new Uint8Array(0)).digest())),
    attribute(SCEP_OID.messageType, printable(MESSAGE_TYPE.certRep)),
    attribute(SCEP_OID.pkiStatus, printable(outcome.status === "SUCCESS" ? "0" : "2")),
    ...(outcome.status === "FAILURE" ? [attribute(SCEP_OID.failInfo, printable(FAIL_INFO[outcome.failInfo]))] : []),
    attribute(SCEP_OID.senderNonce, octets(randomBytes(16))),
    attribute(SCEP_OID.recipientNonce, octets(request.senderNonce)),
    attribute(SCEP_OID.transactionId, printable(request.transactionId)),
  ];
  const sorted = derSorted(attributes.map((a) => Buffer.from(AsnConvert.serialize(a))));
  const signature = sign("sha256", tlv(0x31, ...sorted), ra.privateKey);
  const signerInfo = new SignerInfo({
    version: CMSVersion.v1,
    sid: new SignerIdentifier({ issuerAndSerialNumber: issuerAndSerialOf(raCertificate) }),
    digestAlgorithm: new AlgorithmIdentifier({ algorithm: SHA256 }),
    signedAttrs: sorted.map((der) => AsnConvert.parse(der, Attribute)),
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: RSA_ENCRYPTION, parameters: null }),
    signature: new OctetString(signature),
  });
  // The issued certificate also comes first among the outer certificates, as micromdm's
  // server writes it (some clients look there); the RA's follows for verifying.
  const outer = outcome.status === "SUCCESS" ? [outcome.certificatesDer[0]!, ra.certificateDer] : [ra.certificateDer];
  const signedData = new SignedData({
    version: CMSVersion.v1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: SHA256 })]),
    encapContentInfo: new EncapsulatedContentInfo({
      eContentType: id_data,
      eContent: envelope ? new EncapsulatedContent({ single: new OctetString(envelope) }) : undefined,
    }),
    certificates: new CertificateSet(outer.map((der) => new CertificateChoices({ certificate: AsnConvert.parse(der, Certificate) }))),
    signerInfos: new SignerInfos([signerInfo]),
  });
  return new Uint8Array(AsnConvert.serialize(new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signedData) })));
}
