import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { requireEnv } from "@/lib/env";

// Everything Certdoor keeps secret at rest hangs off CERTDOOR_MASTER_KEY, in this one file:
// - sealing: a value the server must read again (CA private keys, TOTP seeds, webhook
//   secrets) is AES-256-GCM under the master key, with `boundTo` (the id of the row it
//   belongs to) as additional authenticated data, so a sealed value copied onto another row
//   does not open. Format: "v1.<iv>.<tag>.<ciphertext>", each part base64url.
// - derived keys (HKDF-SHA256, one label per purpose) for MACs. The database never holds
//   them, so someone who can write to it cannot recompute what they protect.

export class MasterKeyError extends Error {}

export function parseMasterKey(value: string): Buffer {
  const key = Buffer.from(value.trim(), "base64");
  if (key.length !== 32) {
    throw new MasterKeyError("CERTDOOR_MASTER_KEY must be 32 bytes, base64-encoded (for example: openssl rand -base64 32).");
  }
  return key;
}

const configuredMasterKey = () => parseMasterKey(requireEnv("CERTDOOR_MASTER_KEY"));

/** Bytes sealed for the database, bound to `boundTo`; under the configured master key unless another is given. */
export function seal(plain: Uint8Array, boundTo: string, masterKey: Buffer = configuredMasterKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
  cipher.setAAD(Buffer.from(boundTo, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

/** The bytes sealed by `seal` for the same `boundTo`; MasterKeyError when they do not open under this key. */
export function open(sealed: string, boundTo: string, masterKey: Buffer = configuredMasterKey()): Buffer {
  const [version, iv, tag, ciphertext] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || !ciphertext) throw new MasterKeyError(`The sealed value of ${boundTo} is not in a known format.`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", masterKey, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(boundTo, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]);
  } catch {
    throw new MasterKeyError(
      // The start opens every CA key first (lib/domain/ca/store.ts), so this is where a wrong key shows.
      "CERTDOOR_MASTER_KEY does not decrypt the CA keys in this database. It is not the key they were encrypted with; " +
        "restore the original CERTDOOR_MASTER_KEY (or ./data/master-key).",
    );
  }
}

/** A text sealed as `seal` does (a TOTP seed, a webhook secret). */
export const sealText = (text: string, boundTo: string): string => seal(Buffer.from(text, "utf8"), boundTo);

/** The text sealed by sealText for the same `boundTo`; throws when it does not open. */
export const openText = (sealed: string, boundTo: string): string => open(sealed, boundTo).toString("utf8");

export type KeyPurpose = "audit-chain" | "audit-checkpoint";

const derived = new Map<string, Buffer>();

/** The 32-byte key for one purpose, derived once per process and master key. */
export function derivedKey(purpose: KeyPurpose): Buffer {
  const master = requireEnv("CERTDOOR_MASTER_KEY");
  const cacheKey = `${purpose}:${master}`;
  let key = derived.get(cacheKey);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", parseMasterKey(master), Buffer.alloc(0), `certdoor ${purpose} v1`, 32));
    derived.set(cacheKey, key);
  }
  return key;
}

/** HMAC-SHA256 (hex) of a text under a derived key. */
export function macHex(purpose: KeyPurpose, text: string): string {
  return createHmac("sha256", derivedKey(purpose)).update(text, "utf8").digest("hex");
}
