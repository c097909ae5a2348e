import "reflect-metadata";
import { createHash, createPublicKey, type KeyObject, verify, X509Certificate } from "node:crypto";
import { ContentInfo, id_signedData, SignedData, type SignerInfo } from "@peculiar/asn1-cms";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { MAX_RESERIALIZED_ANY_OCTETS, parseClientAsn1, rawAnyOctets } from "@/lib/pki/asn1-parse";
import { readTlv, type Tlv } from "@/lib/pki/der";
import { messageDigestOf, requestAttributes } from "@/lib/pki/scep/attributes";
import { type ContentCipher } from "@/lib/pki/scep/ciphers";
import { openEnvelope, type RaRecipient } from "@/lib/pki/scep/envelope";
import { names } from "@/lib/pki/scep/identity";
import { NotScepMessage, ScepRefusal } from "@/lib/pki/scep/refusal";

// Reading a SCEP pkiMessage (RFC 8894 §3): a CMS SignedData, signed by the requester (a
// self-signed certificate for PKCSReq, the current certificate for RenewalReq) with the SCEP
// attributes, around an EnvelopedData for the RA holding the PKCS#10. What makes a CertRep
// possible at all (the transactionID and senderNonce) is read first: without it the answer is
// an HTTP 400; every later defect is a refusal answered in a signed CertRep FAILURE.

const DIGEST: Record<string, string> = {
  "1.3.14.3.2.26": "sha1",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};
/** Signature algorithms a requester may sign with (the hash is the SignerInfo's digestAlgorithm). */
const SIGNATURE = new Set([
  "1.2.840.113549.1.1.1", // rsaEncryption, what Go's pkcs7 and most clients write
  "1.2.840.113549.1.1.5",
  "1.2.840.113549.1.1.11",
  "1.2.840.113549.1.1.12",
  "1.2.840.113549.1.1.13",
  "1.2.840.10045.4.3.2",
  "1.2.840.10045.4.3.3",
  "1.2.840.10045.4.3.4",
]);

export type ScepSigner = { der: Uint8Array; certificate: Certificate; x509: X509Certificate };
/** What a CertRep is addressed with, read from any SCEP message. */
export type ScepAddress = { messageType: string; transactionId: string; senderNonce: Buffer };
export type PkiMessage = ScepAddress & {
  /** The checked request, or why it is refused. */
  checked: { signer: ScepSigner; envelope: Uint8Array } | ScepRefusal;
};

const refuse = (error: unknown, fallback: ScepRefusal): ScepRefusal => (error instanceof ScepRefusal ? error : fallback);

/** Reads a pkiMessage; throws NotScepMessage when no CertRep could answer it. */
export function readPkiMessage(der: Uint8Array): PkiMessage {
  let signedData: SignedData;
  let signerInfo: SignerInfo | undefined;
  try {
    const info = parseClientAsn1(der, ContentInfo);
    if (info.contentType !== id_signedData) throw new Error("not signed data");
    signedData = parseClientAsn1(new Uint8Array(info.content), SignedData);
    signerInfo = signedData.signerInfos[0];
  } catch {
    throw new NotScepMessage("The body is not a SCEP pkiMessage (a DER CMS SignedData).");
  }
  const address = signerInfo?.signedAttrs ? requestAttributes(signerInfo.signedAttrs) : null;
  if (!signerInfo || !address) throw new NotScepMessage("The CMS SignedData carries no SCEP transactionID, messageType and senderNonce.");
  try {
    return { ...address, checked: checkSignature(der, signedData, signerInfo) };
  } catch (error) {
    return { ...address, checked: refuse(error, new ScepRefusal("badMessageCheck", "The request's signature could not be checked.")) };
  }
}

/** The children of the TLV at `offset`. */
function childrenOf(der: Uint8Array, offset: number): Tlv[] {
  const parent = readTlv(der, offset);
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end; at = out[out.length - 1]!.end) out.push(readTlv(der, at));
  return out;
}

/**
 * The first SignerInfo's signed attributes as the signer sent them, retagged as the SET the
 * signature covers (RFC 5652 §5.4). Cut from the message's own bytes, because re-encoding
 * what was parsed need not give them back; null when they are absent or not in DER.
 */
function firstSignedAttributes(der: Uint8Array): Buffer | null {
  try {
    const explicit = childrenOf(der, 0)[1]!;
    const signedData = childrenOf(der, explicit.contentStart);
    const signerInfos = signedData[signedData.length - 1]!;
    const attributes = childrenOf(der, signerInfos.contentStart)[3];
    if (attributes?.tag !== 0xa0) return null;
    return Buffer.concat([Buffer.from([0x31]), der.subarray(attributes.start + 1, attributes.end)]);
  } catch {
    return null;
  }
}

function checkSignature(der: Uint8Array, signedData: SignedData, signerInfo: SignerInfo): { signer: ScepSigner; envelope: Uint8Array } {
  const hash = DIGEST[signerInfo.digestAlgorithm.algorithm];
  if (!hash || !SIGNATURE.has(signerInfo.signatureAlgorithm.algorithm)) {
    throw new ScepRefusal("badAlg", `The request is signed with ${signerInfo.digestAlgorithm.algorithm} / ${signerInfo.signatureAlgorithm.algorithm}; use SHA-1 or SHA-256 with RSA.`);
  }
  const candidates = (signedData.certificates ?? []).flatMap((choice) => (choice.certificate ? [choice.certificate] : []));
  const certificate = candidates.find((c) => names(signerInfo.sid, c));
  if (!certificate) throw new ScepRefusal("badMessageCheck", "The request does not carry its signer's certificate.");
  // Serializing re-reads the certificate's raw ANY values with asn1js's defaults (lib/pki/asn1-parse.ts):
  // 40 KB of algorithm parameters cost ~0.7 s before the signature was even checked.
  if (rawAnyOctets(certificate) > MAX_RESERIALIZED_ANY_OCTETS) throw new ScepRefusal("badMessageCheck", "The request's signer certificate has algorithm parameters or name values too large to read.");
  const signerDer = new Uint8Array(AsnConvert.serialize(certificate));
  const x509 = new X509Certificate(signerDer);
  const envelope = signedData.encapContentInfo.eContent?.single;
  const signedAttrs = firstSignedAttributes(der);
  if (!envelope || !signedAttrs) throw new ScepRefusal("badMessageCheck", "The request carries no signed content.");
  const content = new Uint8Array(envelope.buffer);
  const digest = messageDigestOf(signerInfo.signedAttrs ?? []);
  if (!digest || !digest.equals(createHash(hash).update(content).digest())) throw new ScepRefusal("badMessageCheck", "The request's message digest does not match its content.");
  const key = x509.publicKey;
  const isValid = verify(hash, signedAttrs, key.asymmetricKeyType === "ec" ? { key, dsaEncoding: "der" } : key, Buffer.from(signerInfo.signature.buffer));
  if (!isValid) throw new ScepRefusal("badMessageCheck", "The request's signature does not verify with its signer certificate.");
  return { signer: { der: signerDer, certificate, x509 }, envelope: content };
}

/** The PKCS#10 (DER) inside a checked request's envelope, its key, and the cipher it came in. */
export function openRequest(envelope: Uint8Array, ra: RaRecipient): { csrDer: Buffer; csrKey: KeyObject; cipher: ContentCipher } {
  const { content, cipher } = openEnvelope(envelope, ra);
  try {
    const csr = parseClientAsn1(content, CertificationRequest);
    const spki = csr.certificationRequestInfo.subjectPKInfo;
    // As in checkCsr: key parameters are re-read by serializing, with asn1js's defaults (lib/pki/asn1-parse.ts).
    if (rawAnyOctets(spki.algorithm) > MAX_RESERIALIZED_ANY_OCTETS) throw new RangeError("key parameters too large");
    const csrKey = createPublicKey({ key: Buffer.from(AsnConvert.serialize(spki)), format: "der", type: "spki" });
    return { csrDer: content, csrKey, cipher };
  } catch {
    // Also what a wrong content key gives when its garbage happens to pass the CBC padding check.
    throw new ScepRefusal("badMessageCheck", "The request's envelope does not hold a PKCS#10 certificate request.");
  }
}

/**
 * PKCSReq is signed with the key it asks a certificate for (RFC 8894 §3.3.1, SHOULD): its
 * self-signed certificate proves nothing else, and the answer is encrypted to that signer. A
 * request signed by another key is refused (RenewalReq is signed by the current certificate
 * instead, and renewal checks the CSR's own signature).
 */
export function requireSignerHoldsCsrKey(signer: ScepSigner, csrKey: KeyObject): void {
  if (!signer.x509.publicKey.equals(csrKey)) throw new ScepRefusal("badMessageCheck", "A PKCSReq must be signed with the key of its certificate request.");
}
