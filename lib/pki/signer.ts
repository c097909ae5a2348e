import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { readTlv, TAG, tlv } from "@/lib/pki/der";

// How a CA's key signs, whatever holds it: the certificate, CRL and OCSP builders hand the
// bytes to be signed (a TBSCertificate, a TBSCertList, a ResponseData) to a Signer and get
// an ecdsa-with-SHA256 signature back, DER. Where the key lives (sealed in the database, in
// a PKCS#11 token, later a cloud KMS) is lib/domain/ca/key-store's business. Asynchronous
// because a hardware module or a KMS answers over a bus or a network.

export type Signer = {
  /** An ecdsa-with-SHA256 signature of `tbs` (SHA-256 taken by the signer), as a DER Ecdsa-Sig-Value. */
  sign(tbs: Uint8Array): Promise<Uint8Array>;
};

/** A CA key pair as a certificate builder needs it: the public key (SubjectPublicKeyInfo, DER) and a signer for the private one. */
export type CaKeyPair = { spkiDer: Uint8Array; signer: Signer };

/** A Signer over a private key held in this process (a KeyObject). */
export function keyObjectSigner(key: KeyObject): Signer {
  return { sign: async (tbs) => sign("sha256", tbs, { key, dsaEncoding: "der" }) };
}

/** A Signer over a PKCS#8 private key. */
export const pkcs8Signer = (pkcs8Der: Uint8Array): Signer => keyObjectSigner(createPrivateKey({ key: Buffer.from(pkcs8Der), format: "der", type: "pkcs8" }));

/** A fresh ECDSA P-256 key pair in this process, with its PKCS#8 (the database key store seals it). */
export function softwareKeyPair(): CaKeyPair & { pkcs8Der: Uint8Array } {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    spkiDer: new Uint8Array(publicKey.export({ format: "der", type: "spki" })),
    pkcs8Der: new Uint8Array(privateKey.export({ format: "der", type: "pkcs8" })),
    signer: keyObjectSigner(privateKey),
  };
}

/** A positive INTEGER's content octets: leading zeros dropped, one 0x00 put back when the top bit is set. */
function unsignedInteger(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = Buffer.from(bytes.subarray(start));
  return trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}

/**
 * An ECDSA signature as X.509 carries it (SEQUENCE { r INTEGER, s INTEGER }) from the raw
 * r‖s that PKCS#11's CKM_ECDSA and WebCrypto return (each half the curve's size, big-endian).
 */
export function ecdsaRawToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new RangeError(`an ECDSA signature r||s has an even, non-zero length, not ${raw.length}`);
  const half = raw.length / 2;
  return tlv(TAG.sequence, tlv(TAG.integer, unsignedInteger(raw.subarray(0, half))), tlv(TAG.integer, unsignedInteger(raw.subarray(half))));
}

const P256_SPKI_PREFIX = Buffer.from("3059301306072a8648ce3d020106082a8648ce3d030107034200", "hex");

/** The SubjectPublicKeyInfo of a P-256 public key from its uncompressed point (04‖X‖Y, 65 bytes). */
export function p256SpkiOfPoint(point: Uint8Array): Uint8Array {
  if (point.length !== 65 || point[0] !== 0x04) throw new RangeError("a P-256 public point is 65 bytes starting 04");
  return new Uint8Array(Buffer.concat([P256_SPKI_PREFIX, point]));
}

/** The point inside a DER OCTET STRING (how PKCS#11's CKA_EC_POINT holds it), or the bytes themselves when they are the bare point. */
export function unwrapEcPoint(value: Uint8Array): Uint8Array {
  if (value[0] === TAG.octetString) {
    const inner = readTlv(value, 0);
    if (inner.end === value.length) return value.subarray(inner.contentStart, inner.end);
  }
  return value;
}
