import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import forge from "node-forge";

// The content ciphers of a SCEP envelope (RFC 8894 §3.2.1: CBC with the IV as the algorithm's
// parameter). AES and 3DES run in Node's OpenSSL; single DES does not (OpenSSL 3 moved it to
// the legacy provider, which Node does not load), and micromdm's scepclient 2.1.0 encrypts
// with it whatever GetCACaps says, so DES is node-forge's. DES protects nothing worth the
// name: Certdoor reads it because real clients send it, and answers with it only to a request
// that used it (the answer is a certificate, which is public anyway).

export type ContentCipherName = "des-cbc" | "des-ede3-cbc" | "aes-128-cbc" | "aes-192-cbc" | "aes-256-cbc";
export type ContentCipher = { name: ContentCipherName; oid: string; keyLength: number; ivLength: number };

const CIPHERS: ContentCipher[] = [
  { name: "des-cbc", oid: "1.3.14.3.2.7", keyLength: 8, ivLength: 8 },
  { name: "des-ede3-cbc", oid: "1.2.840.113549.3.7", keyLength: 24, ivLength: 8 },
  { name: "aes-128-cbc", oid: "2.16.840.1.101.3.4.1.2", keyLength: 16, ivLength: 16 },
  { name: "aes-192-cbc", oid: "2.16.840.1.101.3.4.1.22", keyLength: 24, ivLength: 16 },
  { name: "aes-256-cbc", oid: "2.16.840.1.101.3.4.1.42", keyLength: 32, ivLength: 16 },
];

/** The cipher an envelope names, or undefined (the door answers badAlg). */
export const contentCipherByOid = (oid: string): ContentCipher | undefined => CIPHERS.find((c) => c.oid === oid);
export const contentCipher = (name: ContentCipherName): ContentCipher => CIPHERS.find((c) => c.name === name)!;

const binary = (bytes: Uint8Array) => forge.util.createBuffer(Buffer.from(bytes).toString("binary"));

function forgeDes(isEncrypt: boolean, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer | null {
  const cipher = isEncrypt ? forge.cipher.createCipher("DES-CBC", binary(key)) : forge.cipher.createDecipher("DES-CBC", binary(key));
  cipher.start({ iv: binary(iv) });
  cipher.update(binary(data));
  return cipher.finish() ? Buffer.from(cipher.output.getBytes(), "binary") : null;
}

/** The plaintext, or null when the padding is wrong (a wrong key, or damaged data). */
export function decryptContent(cipher: ContentCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer | null {
  if (iv.length !== cipher.ivLength || data.length === 0 || data.length % 8 !== 0) return null;
  if (cipher.name === "des-cbc") return forgeDes(false, key, iv, data);
  try {
    const decipher = createDecipheriv(cipher.name, key, iv);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    return null;
  }
}

/** A fresh key and IV, and the content encrypted under them. */
export function encryptContent(cipher: ContentCipher, plain: Uint8Array): { key: Buffer; iv: Buffer; data: Buffer } {
  const key = randomBytes(cipher.keyLength);
  const iv = randomBytes(cipher.ivLength);
  if (cipher.name === "des-cbc") return { key, iv, data: forgeDes(true, key, iv, plain)! };
  const encipher = createCipheriv(cipher.name, key, iv);
  return { key, iv, data: Buffer.concat([encipher.update(plain), encipher.final()]) };
}
