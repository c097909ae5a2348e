import "reflect-metadata";
import { createHash, createPrivateKey, type KeyObject, randomBytes, sign, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Attribute, CertificateChoices, CertificateSet, CMSVersion, ContentInfo, DigestAlgorithmIdentifiers, EncapsulatedContent, EncapsulatedContentInfo, EnvelopedData, id_data, id_signedData, SignedData, SignerIdentifier, SignerInfo, SignerInfos } from "@peculiar/asn1-cms";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate } from "@peculiar/asn1-x509";
import { tlv } from "@/lib/pki/der";
import { fromPem } from "@/lib/pki/pem";
import { attribute, CMS_OID, MESSAGE_TYPE, octets, printable, SCEP_OID } from "@/lib/pki/scep/attributes";
import { contentCipher } from "@/lib/pki/scep/ciphers";
import { sealEnvelope } from "@/lib/pki/scep/envelope";
import { issuerAndSerialOf } from "@/lib/pki/scep/identity";
import { openssl, tempDir } from "@/lib/testing/openssl";

// SCEP requests built in a test, where scepclient cannot make what is needed: an envelope
// that is valid BER but not DER, a mutated envelope re-signed so that it passes the signature
// check and reaches the envelope reader, a signer whose key is not the CSR's. The requester
// is RSA (the answer is encrypted to it), signs SHA-256 with RSA, and by default signs with
// the key of its CSR, as RFC 8894 §3.3.1 asks.

export type ScepSigner = { der: Uint8Array; key: KeyObject };
export type ScepRequester = { csrDer: Uint8Array; signer: ScepSigner };

/** A fresh RSA key's self-signed certificate and key (a PKCSReq signer that is not the CSR's key). */
export function rsaSigner(): ScepSigner {
  const dir = tempDir();
  const keyFile = path.join(dir, "k.pem");
  const pem = openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-subj", "/CN=scep-signer", "-days", "1"]);
  return { der: new Uint8Array(new X509Certificate(pem).raw), key: createPrivateKey(readFileSync(keyFile)) };
}

/** A device's CSR (RSA 2048) with `challenge` as its challengePassword, and a self-signed signer of the same key. */
export function scepRequester(challenge: string, commonName: string, dns?: string): ScepRequester {
  const dir = tempDir();
  const config = path.join(dir, "req.cnf");
  writeFileSync(config, `[req]\ndistinguished_name=dn\nattributes=attrs\nprompt=no\n[dn]\nCN=${commonName}\n[attrs]\nchallengePassword=${challenge}\n`);
  const keyFile = path.join(dir, "key.pem");
  const csrFile = path.join(dir, "req.csr");
  openssl(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", csrFile, "-config", config, ...(dns ? ["-addext", `subjectAltName=DNS:${dns}`] : [])]);
  const certificate = openssl(["req", "-x509", "-key", keyFile, "-subj", `/CN=${commonName}`, "-days", "1"]);
  return {
    csrDer: fromPem(readFileSync(csrFile, "utf8"), ["CERTIFICATE REQUEST"])!,
    signer: { der: new Uint8Array(new X509Certificate(certificate).raw), key: createPrivateKey(readFileSync(keyFile)) },
  };
}

const SHA256 = "2.16.840.1.101.3.4.2.1";

/** A pkiMessage: `content` (an envelope) signed by `signer` with the SCEP attributes. */
export function signedPkiMessage(signer: ScepSigner, content: Uint8Array, transactionId: string, messageType: string = MESSAGE_TYPE.pkcsReq): Uint8Array {
  const attrs = [
    attribute(CMS_OID.contentType, Buffer.from("06092a864886f70d010701", "hex")),
    attribute(CMS_OID.messageDigest, octets(createHash("sha256").update(content).digest())),
    attribute(SCEP_OID.messageType, printable(messageType)),
    attribute(SCEP_OID.senderNonce, octets(randomBytes(16))),
    attribute(SCEP_OID.transactionId, printable(transactionId)),
  ];
  const sorted = attrs.map((a) => Buffer.from(AsnConvert.serialize(a))).sort(Buffer.compare);
  const certificate = AsnConvert.parse(signer.der, Certificate);
  const signerInfo = new SignerInfo({
    version: CMSVersion.v1,
    sid: new SignerIdentifier({ issuerAndSerialNumber: issuerAndSerialOf(certificate) }),
    digestAlgorithm: new AlgorithmIdentifier({ algorithm: SHA256 }),
    signedAttrs: sorted.map((der) => AsnConvert.parse(der, Attribute)),
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: "1.2.840.113549.1.1.1", parameters: null }),
    signature: new OctetString(sign("sha256", tlv(0x31, ...sorted), signer.key)),
  });
  const signedData = new SignedData({
    version: CMSVersion.v1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: SHA256 })]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data, eContent: new EncapsulatedContent({ single: new OctetString(content) }) }),
    certificates: new CertificateSet([new CertificateChoices({ certificate })]),
    signerInfos: new SignerInfos([signerInfo]),
  });
  return new Uint8Array(AsnConvert.serialize(new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signedData) })));
}

/** A PKCSReq for the RA: the CSR in an AES-128 envelope, signed by the requester. */
export function pkcsReq(requester: ScepRequester, ra: { certificateDer: Uint8Array; certificate: Certificate }, transactionId: string): Uint8Array {
  return signedPkiMessage(requester.signer, sealEnvelope(requester.csrDer, ra.certificateDer, ra.certificate, contentCipher("aes-128-cbc")), transactionId);
}

/**
 * An AES-128 envelope of `content` for the RA whose IV is valid BER but not DER: a long-form
 * length with leading zeros, or an indefinite-length constructed OCTET STRING. Assembled by
 * hand, since the ASN.1 library would write DER.
 */
export function envelopeWithBerIv(content: Uint8Array, ra: { certificateDer: Uint8Array; certificate: Certificate }, form: "long" | "indefinite"): Uint8Array {
  const sealed = AsnConvert.parse(AsnConvert.parse(sealEnvelope(content, ra.certificateDer, ra.certificate, contentCipher("aes-128-cbc")), ContentInfo).content, EnvelopedData);
  const iv = new Uint8Array(sealed.encryptedContentInfo.contentEncryptionAlgorithm.parameters!).subarray(2);
  const berIv = form === "long" ? Buffer.from([0x04, 0x85, 0, 0, 0, 0, iv.length, ...iv]) : Buffer.from([0x24, 0x80, 0x04, iv.length, ...iv, 0, 0]);
  const hex = (h: string) => Buffer.from(h, "hex");
  const algorithm = tlv(0x30, hex("0609608648016503040102"), berIv);
  const encryptedContentInfo = tlv(0x30, hex("06092a864886f70d010701"), algorithm, tlv(0x80, new Uint8Array(sealed.encryptedContentInfo.encryptedContent!.value!.buffer)));
  const envelopedData = tlv(0x30, hex("020100"), Buffer.from(AsnConvert.serialize(sealed.recipientInfos)), encryptedContentInfo);
  return tlv(0x30, hex("06092a864886f70d010703"), tlv(0xa0, envelopedData));
}
