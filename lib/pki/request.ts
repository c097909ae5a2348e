import "reflect-metadata";
import * as x509 from "@peculiar/x509";

// A key pair and a PKCS#10 request made with WebCrypto: in the browser for the redemption
// page, and in Node (globalThis.crypto) for `certdoor redeem`. The private key is exported
// as PKCS#8 so the caller can save it; it is never sent anywhere.

export const KEY_CHOICES = {
  "ec-p256": { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" },
  "ec-p384": { name: "ECDSA", namedCurve: "P-384", hash: "SHA-384" },
  "rsa-2048": { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
  "rsa-3072": { name: "RSASSA-PKCS1-v1_5", modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
} as const;

export type KeyChoice = keyof typeof KEY_CHOICES;

export type KeyAndRequest = { csrPem: string; pkcs8Der: Uint8Array };

export async function makeKeyAndRequest(choice: KeyChoice, commonName: string, crypto: Crypto = globalThis.crypto): Promise<KeyAndRequest> {
  const algorithm = KEY_CHOICES[choice];
  const keys = (await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    { name: [{ CN: [commonName] }], keys, signingAlgorithm: algorithm },
    crypto,
  );
  const pkcs8Der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  return { csrPem: csr.toString("pem") + "\n", pkcs8Der };
}

/** A request signed by an existing key (renewal keeps the key): PKCS#8 private, SPKI public, both DER. */
export async function requestForKey(keys: { pkcs8Der: Uint8Array; spkiDer: Uint8Array; choice: KeyChoice }, commonName: string, crypto: Crypto = globalThis.crypto): Promise<string> {
  const algorithm = KEY_CHOICES[keys.choice];
  const privateKey = await crypto.subtle.importKey("pkcs8", new Uint8Array(keys.pkcs8Der), algorithm, false, ["sign"]);
  const publicKey = await crypto.subtle.importKey("spki", new Uint8Array(keys.spkiDer), algorithm, true, ["verify"]);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: [{ CN: [commonName] }], keys: { privateKey, publicKey }, signingAlgorithm: algorithm }, crypto);
  return csr.toString("pem") + "\n";
}
