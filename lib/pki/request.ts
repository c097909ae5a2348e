import {
  type ASN1Encodable,
  ASN1BitString,
  ASN1Class,
  ASN1EncodableSequence,
  ASN1EncodableSet,
  ASN1Form,
  ASN1Integer,
  ASN1Null,
  ASN1ObjectIdentifier,
  ASN1UTF8String,
  encodeASN1,
  encodeObjectIdentifier,
  parseASN1NoLeftoverBytes,
} from "@oslojs/asn1";
import { toPem } from "@/lib/pki/pem";

// A key pair and a PKCS#10 request (RFC 2986) made with WebCrypto: in the browser for the
// redemption page, and in Node (globalThis.crypto) for `certdoor redeem`. The private key is
// exported as PKCS#8 so the caller can save it; it is never sent anywhere. The request's DER
// is put together with @oslojs/asn1, a few KiB on the page where @peculiar/x509 was ~58 KiB
// gzipped; the server checks it like any other request (lib/pki/csr.ts).

export const KEY_CHOICES = {
  "ec-p256": { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" },
  "ec-p384": { name: "ECDSA", namedCurve: "P-384", hash: "SHA-384" },
  "rsa-2048": { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
  "rsa-3072": { name: "RSASSA-PKCS1-v1_5", modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
} as const;

export type KeyChoice = keyof typeof KEY_CHOICES;

export type KeyAndRequest = { csrPem: string; pkcs8Der: Uint8Array };

const oid = (dotted: string) => new ASN1ObjectIdentifier(encodeObjectIdentifier(dotted));

/** AlgorithmIdentifier of the signature: ECDSA without parameters (RFC 5758 §3.2), RSA with NULL (RFC 4055 §5). */
const SIGNATURE_ALGORITHM: Record<KeyChoice, ASN1Encodable> = {
  "ec-p256": new ASN1EncodableSequence([oid("1.2.840.10045.4.3.2")]),
  "ec-p384": new ASN1EncodableSequence([oid("1.2.840.10045.4.3.3")]),
  "rsa-2048": new ASN1EncodableSequence([oid("1.2.840.113549.1.1.11"), new ASN1Null()]),
  "rsa-3072": new ASN1EncodableSequence([oid("1.2.840.113549.1.1.11"), new ASN1Null()]),
};

/** `attributes [0] IMPLICIT SET OF Attribute`: present even when empty, as RFC 2986 requires. */
const NO_ATTRIBUTES: ASN1Encodable = { class: ASN1Class.ContextSpecific, form: ASN1Form.Constructed, tag: 0, contents: () => new Uint8Array(0) };

const unsigned = (bytes: Uint8Array) => new ASN1Integer(BigInt(`0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`));

/** WebCrypto signs ECDSA as r‖s (IEEE P1363); X.509 wants the DER SEQUENCE { r, s }. */
function signatureDer(choice: KeyChoice, signature: Uint8Array): Uint8Array {
  if (KEY_CHOICES[choice].name !== "ECDSA") return signature;
  const half = signature.length / 2;
  return encodeASN1(new ASN1EncodableSequence([unsigned(signature.subarray(0, half)), unsigned(signature.subarray(half))]));
}

async function signRequest(choice: KeyChoice, keys: CryptoKeyPair, commonName: string, crypto: Crypto): Promise<string> {
  const spki = parseASN1NoLeftoverBytes(new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey)));
  const subject = new ASN1EncodableSequence([
    new ASN1EncodableSet([new ASN1EncodableSequence([oid("2.5.4.3"), new ASN1UTF8String(new TextEncoder().encode(commonName))])]),
  ]);
  const info = new ASN1EncodableSequence([new ASN1Integer(0n), subject, spki, NO_ATTRIBUTES]);
  const signature = signatureDer(choice, new Uint8Array(await crypto.subtle.sign(KEY_CHOICES[choice], keys.privateKey, new Uint8Array(encodeASN1(info)))));
  const request = new ASN1EncodableSequence([info, SIGNATURE_ALGORITHM[choice], new ASN1BitString(signature, signature.length * 8)]);
  return toPem(encodeASN1(request), "CERTIFICATE REQUEST");
}

export async function makeKeyAndRequest(choice: KeyChoice, commonName: string, crypto: Crypto = globalThis.crypto): Promise<KeyAndRequest> {
  const keys = (await crypto.subtle.generateKey(KEY_CHOICES[choice], true, ["sign", "verify"])) as CryptoKeyPair;
  const csrPem = await signRequest(choice, keys, commonName, crypto);
  const pkcs8Der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  return { csrPem, pkcs8Der };
}

/** A request signed by an existing key (renewal keeps the key): PKCS#8 private, SPKI public, both DER. */
export async function requestForKey(keys: { pkcs8Der: Uint8Array; spkiDer: Uint8Array; choice: KeyChoice }, commonName: string, crypto: Crypto = globalThis.crypto): Promise<string> {
  const algorithm = KEY_CHOICES[keys.choice];
  const privateKey = await crypto.subtle.importKey("pkcs8", new Uint8Array(keys.pkcs8Der), algorithm, false, ["sign"]);
  const publicKey = await crypto.subtle.importKey("spki", new Uint8Array(keys.spkiDer), algorithm, true, ["verify"]);
  return signRequest(keys.choice, { privateKey, publicKey }, commonName, crypto);
}
