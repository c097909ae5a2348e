import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// CA private keys at rest: AES-256-GCM under CERTDOOR_MASTER_KEY, with the CA's id as
// additional authenticated data so an encrypted key cannot be moved to another CA row.
// Format: "v1.<iv>.<tag>.<ciphertext>", each part base64url.

export class MasterKeyError extends Error {}

export function parseMasterKey(value: string): Buffer {
  const key = Buffer.from(value.trim(), "base64");
  if (key.length !== 32) {
    throw new MasterKeyError("CERTDOOR_MASTER_KEY must be 32 bytes, base64-encoded (for example: openssl rand -base64 32).");
  }
  return key;
}

export function encryptPrivateKey(pkcs8Der: Uint8Array, masterKey: Buffer, caId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
  cipher.setAAD(Buffer.from(caId, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(pkcs8Der), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export function decryptPrivateKey(sealed: string, masterKey: Buffer, caId: string): Buffer {
  const [version, iv, tag, ciphertext] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || !ciphertext) throw new MasterKeyError(`The stored key of CA ${caId} is not in a known format.`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", masterKey, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(caId, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]);
  } catch {
    throw new MasterKeyError(
      "CERTDOOR_MASTER_KEY does not decrypt the CA keys in this database. It is not the key they were encrypted with; " +
        "restore the original CERTDOOR_MASTER_KEY (or ./data/master-key).",
    );
  }
}
