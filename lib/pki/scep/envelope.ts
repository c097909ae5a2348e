import "reflect-metadata";
import { constants, type KeyObject, publicEncrypt, X509Certificate } from "node:crypto";
import {
  CMSVersion,
  ContentInfo,
  EncryptedContent,
  EncryptedContentInfo,
  EnvelopedData,
  id_data,
  id_envelopedData,
  KeyTransRecipientInfo,
  RecipientIdentifier,
  RecipientInfo,
  RecipientInfos,
} from "@peculiar/asn1-cms";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, type Certificate } from "@peculiar/asn1-x509";
import { parseClientAsn1 } from "@/lib/pki/asn1-parse";
import { readTlv, TAG, tlv } from "@/lib/pki/der";
import { type ContentCipher, contentCipherByOid, decryptContent, encryptContent } from "@/lib/pki/scep/ciphers";
import { issuerAndSerialOf, names } from "@/lib/pki/scep/identity";
import { ScepRefusal } from "@/lib/pki/scep/refusal";
import { unwrapContentKey } from "@/lib/pki/scep/rsa-unwrap";

// SCEP's pkcsPKIEnvelope (RFC 8894 §3.2.2): CMS EnvelopedData with RSA key transport
// (PKCS#1 v1.5, the only one clients send) and a CBC content cipher. Opened with the RA's key,
// written to the requester's signer certificate.

const RSA_ENCRYPTION = "1.2.840.113549.1.1.1";

/** The RA as a recipient: its certificate, key identifier and private key. */
export type RaRecipient = { certificate: Certificate; keyIdentifier?: ArrayBuffer; privateKey: KeyObject };

const bytesOf = (value: OctetString) => new Uint8Array(value.buffer);

/** The encrypted octets, primitive or (as Go's pkcs7 writes them) constructed. */
function encryptedOctets(content: EncryptedContent | undefined): Uint8Array {
  if (content?.value) return bytesOf(content.value);
  return Buffer.concat((content?.constructedValue ?? []).map(bytesOf));
}

/**
 * The IV: the algorithm's parameter, a DER OCTET STRING. Anything else (BER's long or
 * indefinite forms, which no SCEP client writes, or garbage) is no IV, and an envelope
 * without one does not open: badMessageCheck.
 */
function ivOf(parameters: ArrayBuffer | null | undefined): Uint8Array {
  if (!parameters) return new Uint8Array(0);
  const der = new Uint8Array(parameters);
  try {
    const value = readTlv(der, 0);
    return value.tag === TAG.octetString && value.end === der.length ? der.subarray(value.contentStart, value.end) : new Uint8Array(0);
  } catch {
    return new Uint8Array(0);
  }
}

/**
 * The content of an envelope addressed to the RA, and the cipher it used. Refusals:
 * badAlg for a key transport or content cipher not supported, badMessageCheck for anything
 * that does not open (not addressed to the RA, a wrong key, damaged data): one answer for
 * all of those, so a bad RSA padding is told apart from nothing (see rsa-unwrap.ts).
 */
export function openEnvelope(der: Uint8Array, ra: RaRecipient): { content: Buffer; cipher: ContentCipher } {
  try {
    return openParsed(der, ra);
  } catch (error) {
    // The envelope is the client's: whatever in it a reader trips over is a refusal of the
    // request (a signed FAILURE), never an exception the door would answer with a 500.
    if (error instanceof ScepRefusal) throw error;
    throw new ScepRefusal("badMessageCheck", "The request's envelope could not be read.");
  }
}

function openParsed(der: Uint8Array, ra: RaRecipient): { content: Buffer; cipher: ContentCipher } {
  let enveloped: EnvelopedData;
  try {
    const info = parseClientAsn1(der, ContentInfo);
    if (info.contentType !== id_envelopedData) throw new Error("not enveloped");
    enveloped = parseClientAsn1(new Uint8Array(info.content), EnvelopedData);
  } catch {
    throw new ScepRefusal("badMessageCheck", "The signed content is not a CMS EnvelopedData.");
  }
  const recipient = enveloped.recipientInfos.map((r) => r.ktri).find((ktri) => ktri && names(ktri.rid, ra.certificate, ra.keyIdentifier));
  if (!recipient) throw new ScepRefusal("badMessageCheck", "The request is not encrypted to this Frontdoor's RA certificate (GetCACert's first certificate).");
  if (recipient.keyEncryptionAlgorithm.algorithm !== RSA_ENCRYPTION) {
    throw new ScepRefusal("badAlg", `Key transport ${recipient.keyEncryptionAlgorithm.algorithm} is not supported; use rsaEncryption (PKCS#1 v1.5).`);
  }
  const algorithm = enveloped.encryptedContentInfo.contentEncryptionAlgorithm;
  const cipher = contentCipherByOid(algorithm.algorithm);
  if (!cipher) throw new ScepRefusal("badAlg", `Content cipher ${algorithm.algorithm} is not supported; use AES-128-CBC, AES-256-CBC or DES-EDE3-CBC.`);
  const key = unwrapContentKey(ra.privateKey, bytesOf(recipient.encryptedKey), cipher.keyLength);
  const content = decryptContent(cipher, key, ivOf(algorithm.parameters), encryptedOctets(enveloped.encryptedContentInfo.encryptedContent));
  key.fill(0);
  if (!content) throw new ScepRefusal("badMessageCheck", "The request's envelope could not be decrypted with this Frontdoor's RA key.");
  return { content, cipher };
}

/** An EnvelopedData (in its ContentInfo) of `content` for the holder of `recipientDer`'s RSA key. */
export function sealEnvelope(content: Uint8Array, recipientDer: Uint8Array, recipient: Certificate, cipher: ContentCipher): Uint8Array {
  const sealed = encryptContent(cipher, content);
  const encryptedKey = publicEncrypt({ key: new X509Certificate(recipientDer).publicKey, padding: constants.RSA_PKCS1_PADDING }, sealed.key);
  const enveloped = new EnvelopedData({
    version: CMSVersion.v0,
    recipientInfos: new RecipientInfos([
      new RecipientInfo({
        ktri: new KeyTransRecipientInfo({
          version: CMSVersion.v0,
          rid: new RecipientIdentifier({ issuerAndSerialNumber: issuerAndSerialOf(recipient) }),
          keyEncryptionAlgorithm: new AlgorithmIdentifier({ algorithm: RSA_ENCRYPTION, parameters: null }),
          encryptedKey: new OctetString(encryptedKey),
        }),
      }),
    ]),
    encryptedContentInfo: new EncryptedContentInfo({
      contentType: id_data,
      contentEncryptionAlgorithm: new AlgorithmIdentifier({ algorithm: cipher.oid, parameters: new Uint8Array(tlv(TAG.octetString, sealed.iv)).buffer }),
      encryptedContent: new EncryptedContent({ value: new OctetString(sealed.data) }),
    }),
  });
  return new Uint8Array(AsnConvert.serialize(new ContentInfo({ contentType: id_envelopedData, content: AsnConvert.serialize(enveloped) })));
}
