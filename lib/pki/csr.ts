import "reflect-metadata";
import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import type { Name, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { PkiError } from "@/lib/pki/errors";
import { MAX_RESERIALIZED_ANY_OCTETS, parseClientAsn1, rawAnyOctets } from "@/lib/pki/asn1-parse";
import { fromPem } from "@/lib/pki/pem";

// Checking a PKCS#10 request: parse, accept only the contract's key types, verify the
// signature (proof of possession), read the subject fields Certdoor uses. Parsing uses
// the @peculiar/asn1 types; verification is Node's synchronous crypto, which is fast.

export type KeyAlgorithm = "EC-P256" | "EC-P384" | `RSA-${number}`;

export type SubjectFields = { commonName: string | null; organization: string | null; organizationalUnit: string | null };

export type CheckedCsr = {
  publicKey: KeyObject;
  /** SubjectPublicKeyInfo, DER as OpenSSL writes it: goes into the certificate unchanged. */
  spkiDer: Uint8Array;
  keyAlgorithm: KeyAlgorithm;
  isRsa: boolean;
  subject: SubjectFields;
};

const OID = {
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  organizationalUnit: "2.5.4.11",
} as const;

/** Signature algorithms a CSR may use: the hash for Node's verify. */
const SIGNATURE_HASH: Record<string, string> = {
  "1.2.840.10045.4.3.2": "sha256", // ecdsa-with-SHA256
  "1.2.840.10045.4.3.3": "sha384",
  "1.2.840.10045.4.3.4": "sha512",
  "1.2.840.113549.1.1.11": "sha256", // sha256WithRSAEncryption
  "1.2.840.113549.1.1.12": "sha384",
  "1.2.840.113549.1.1.13": "sha512",
};

function firstValue(name: Name, oid: string): string | null {
  for (const rdn of name) {
    for (const attribute of rdn) {
      if (attribute.type === oid) {
        const text = attribute.value.toString().trim();
        if (text) return text;
      }
    }
  }
  return null;
}

/** The curves a CSR's EC key may be on, by the DER of their namedCurve OID (the SPKI's parameters): the JWK name and a coordinate's size. */
const EC_CURVES: Record<string, { crv: string; size: number }> = {
  "06082a8648ce3d030107": { crv: "P-256", size: 32 }, // prime256v1, 1.2.840.10045.3.1.7
  "06052b81040022": { crv: "P-384", size: 48 }, // secp384r1, 1.3.132.0.34
};
const ID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";

/**
 * The request's public key as OpenSSL reads it. An EC key on an accepted curve with an
 * uncompressed point (what every client sends) is imported from its coordinates, which
 * OpenSSL checks lie on the curve: a third of the time of decoding the same key from its
 * DER SubjectPublicKeyInfo through OpenSSL 3's decoders, and such a key exports its DER
 * ten times faster (together a tenth of a redemption's worker CPU before; issue 24,
 * bench/csr-check-parts.ts). Any other key (RSA, another curve, a compressed point, other
 * parameters) takes the DER path, whose answers, refusals included, are OpenSSL's as before,
 * but for algorithm parameters over MAX_RESERIALIZED_ANY_OCTETS: re-serializing them re-reads
 * what they embed with asn1js's defaults (no depth or size guard), which a 53 KB request
 * made cost half a second of CPU; no key type this server accepts has parameters that large
 * (explicit P-384 parameters are ~300 bytes, RSA's a NULL).
 */
function publicKeyOf(spki: SubjectPublicKeyInfo): KeyObject {
  const { algorithm, parameters } = spki.algorithm;
  const point = new Uint8Array(spki.subjectPublicKey);
  const curve = algorithm === ID_EC_PUBLIC_KEY && parameters ? EC_CURVES[Buffer.from(parameters).toString("hex")] : undefined;
  if (curve && point.length === 1 + 2 * curve.size && point[0] === 0x04) {
    const coordinate = (from: number) => Buffer.from(point.subarray(from, from + curve.size)).toString("base64url");
    return createPublicKey({ key: { kty: "EC", crv: curve.crv, x: coordinate(1), y: coordinate(1 + curve.size) }, format: "jwk" });
  }
  if (rawAnyOctets(spki.algorithm) > MAX_RESERIALIZED_ANY_OCTETS) throw new RangeError("key parameters too large");
  const key = createPublicKey({ key: Buffer.from(AsnConvert.serialize(spki)), format: "der", type: "spki" });
  // An EC key given with its curve's explicit parameters (a SEQUENCE where the curve's OID
  // belongs) is the same key, but a certificate must name the curve (RFC 5480 §2.1.1; Go's
  // x509, among others, refuses specifiedCurve): it is taken again by its coordinates, on the
  // named curve OpenSSL recognised (or refused as unreadable when it recognised none).
  if (algorithm === ID_EC_PUBLIC_KEY && parameters && new Uint8Array(parameters)[0] === 0x30) return createPublicKey({ key: key.export({ format: "jwk" }), format: "jwk" });
  return key;
}

const MIN_RSA_EXPONENT = 65_537n;
const MAX_RSA_EXPONENT = 1n << 256n;

function keyAlgorithmOf(key: KeyObject): { keyAlgorithm: KeyAlgorithm; isRsa: boolean } {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "ec") {
    if (details.namedCurve === "prime256v1") return { keyAlgorithm: "EC-P256", isRsa: false };
    if (details.namedCurve === "secp384r1") return { keyAlgorithm: "EC-P384", isRsa: false };
    throw new PkiError("unsupported_key", `EC curve ${details.namedCurve ?? "unknown"} is not accepted; use P-256 or P-384.`);
  }
  if (key.asymmetricKeyType === "rsa") {
    const bits = details.modulusLength ?? 0;
    if (bits < 2048 || bits > 4096) throw new PkiError("unsupported_key", `RSA keys of ${bits} bits are not accepted; use 2048 to 4096 bits.`);
    // With e = 1 a "signature" is just the padded digest, so a CSR proves nothing; small or
    // even exponents are refused too (RFC 8017 §3.1, NIST SP 800-56B: odd, 2^16 < e < 2^256).
    const e = details.publicExponent ?? 0n;
    if (e % 2n === 0n || e < MIN_RSA_EXPONENT || e >= MAX_RSA_EXPONENT) {
      throw new PkiError("unsupported_key", `RSA public exponent ${e > 1n << 64n ? "of more than 64 bits" : e.toString()} is not accepted; use an odd exponent from 65537 up (openssl's default).`);
    }
    return { keyAlgorithm: `RSA-${bits}`, isRsa: true };
  }
  throw new PkiError("unsupported_key", `${key.asymmetricKeyType ?? "This"} keys are not accepted; use EC P-256, EC P-384 or RSA 2048–4096.`);
}

/** Parses and checks a PEM CSR; every failure is one of the contract's error codes. */
export function checkCsr(pem: string): CheckedCsr {
  const der = fromPem(pem, ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]);
  if (!der) throw new PkiError("invalid_csr", "The value is not a PEM-encoded PKCS#10 certificate request (-----BEGIN CERTIFICATE REQUEST-----).");

  let csr: CertificationRequest;
  try {
    csr = parseClientAsn1(der, CertificationRequest);
  } catch {
    throw new PkiError("invalid_csr", "The certificate request could not be parsed as PKCS#10.");
  }

  let publicKey: KeyObject;
  try {
    publicKey = publicKeyOf(csr.certificationRequestInfo.subjectPKInfo);
  } catch {
    throw new PkiError("unsupported_key", "The request's public key is of a type this server cannot read; use EC P-256, EC P-384 or RSA 2048–4096.");
  }
  const { keyAlgorithm, isRsa } = keyAlgorithmOf(publicKey);

  const hash = SIGNATURE_HASH[csr.signatureAlgorithm.algorithm];
  if (!hash) {
    throw new PkiError("csr_signature_invalid", `The request is signed with ${csr.signatureAlgorithm.algorithm}; use SHA-256, SHA-384 or SHA-512 with ECDSA or RSA (PKCS#1 v1.5).`);
  }
  const signed = csr.certificationRequestInfoRaw;
  const isValid =
    signed !== undefined &&
    verify(hash, Buffer.from(signed), isRsa ? publicKey : { key: publicKey, dsaEncoding: "der" }, Buffer.from(csr.signature));
  if (!isValid) throw new PkiError("csr_signature_invalid", "The request's signature does not verify: it was altered, or not signed by its own key.");

  const subject = csr.certificationRequestInfo.subject;
  return {
    publicKey,
    // Re-encoded by OpenSSL: the request's own bytes may be BER (indefinite lengths), which
    // OpenSSL reads and the issuing path's DER reader (and every TLS stack) would not.
    spkiDer: new Uint8Array(publicKey.export({ format: "der", type: "spki" })),
    keyAlgorithm,
    isRsa,
    subject: {
      commonName: firstValue(subject, OID.commonName),
      organization: firstValue(subject, OID.organization),
      organizationalUnit: firstValue(subject, OID.organizationalUnit),
    },
  };
}

const FIELD_LABEL: Record<keyof SubjectFields, string> = { commonName: "common name (CN)", organization: "organization (O)", organizationalUnit: "organizational unit (OU)" };
const MAX_SUBJECT_FIELD = 64;

/**
 * The certificate's subject: a field the token sets wins; a blank one is taken from the
 * request, under the same rules as the token's fields (at most 64 characters, no control
 * characters), so a request cannot sign 50 KB or a NUL byte into a certificate.
 */
export function subjectFor(token: SubjectFields, requested: SubjectFields): SubjectFields & { commonName: string } {
  const merged = { ...token };
  for (const field of Object.keys(FIELD_LABEL) as (keyof SubjectFields)[]) {
    if (merged[field]) continue;
    const value = requested[field];
    if (value !== null && value.length > MAX_SUBJECT_FIELD) {
      throw new PkiError("invalid_csr", `The request's ${FIELD_LABEL[field]} has ${value.length} characters; at most ${MAX_SUBJECT_FIELD} are allowed.`);
    }
    if (value !== null && /\p{Cc}/u.test(value)) throw new PkiError("invalid_csr", `The request's ${FIELD_LABEL[field]} contains control characters, which are not allowed.`);
    merged[field] = value;
  }
  const { commonName } = merged;
  if (!commonName) throw new PkiError("invalid_csr", "Neither the token nor the request names a common name (CN).");
  return { ...merged, commonName };
}
