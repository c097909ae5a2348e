import "reflect-metadata";
import { createHash, createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest, CertificationRequestInfo } from "@peculiar/asn1-csr";
import { AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { arrayBufferOf } from "@/lib/pki/bytes";
import { toPem } from "@/lib/pki/pem";

// Hostile requests for tests: CSRs that openssl would not make. Each is a real PKCS#10
// structure, so only the checks under test can refuse it.

const SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
const DIGEST_INFO_SHA256 = Buffer.from("3031300d060960864801650304020105000420", "hex");

function nameOf(fields: [string, string][]): Name {
  return new Name(fields.map(([type, value]) => new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })])));
}

function info(spkiDer: Uint8Array, subject: [string, string][]): { info: CertificationRequestInfo; der: Buffer } {
  const requestInfo = new CertificationRequestInfo({ subject: nameOf(subject), subjectPKInfo: AsnConvert.parse(spkiDer, SubjectPublicKeyInfo) });
  return { info: requestInfo, der: Buffer.from(AsnConvert.serialize(requestInfo)) };
}

function pemOf(requestInfo: CertificationRequestInfo, algorithm: string, signature: Uint8Array): string {
  const csr = new CertificationRequest({ certificationRequestInfo: requestInfo, signatureAlgorithm: new AlgorithmIdentifier({ algorithm }), signature: arrayBufferOf(signature) });
  return toPem(AsnConvert.serialize(csr), "CERTIFICATE REQUEST");
}

/**
 * A CSR for a real 2048-bit modulus with public exponent 1, "signed" without any private
 * key: with e = 1, RSA verification of s is s itself, so the padded digest verifies.
 */
export function keylessRsaCsr(commonName = "nobody-holds-this-key"): string {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const spki = createPublicKey({ key: { ...publicKey.export({ format: "jwk" }), e: "AQ" }, format: "jwk" }).export({ format: "der", type: "spki" });
  const { info: requestInfo, der } = info(spki, [["2.5.4.3", commonName]]);
  const digest = Buffer.concat([DIGEST_INFO_SHA256, createHash("sha256").update(der).digest()]);
  const padded = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(256 - digest.length - 3, 0xff), Buffer.from([0]), digest]);
  return pemOf(requestInfo, SHA256_WITH_RSA, padded);
}

/** A properly signed P-256 CSR whose subject carries exactly the given attribute values. */
export function ecCsrWithSubject(subject: [string, string][]): string {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const { info: requestInfo, der } = info(publicKey.export({ format: "der", type: "spki" }), subject);
  return pemOf(requestInfo, ECDSA_WITH_SHA256, sign("sha256", der, { key: privateKey, dsaEncoding: "der" }));
}
