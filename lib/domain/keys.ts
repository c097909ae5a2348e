import { createHmac, hkdfSync } from "node:crypto";
import { requireEnv } from "@/lib/env";
import { decryptPrivateKey, encryptPrivateKey, parseMasterKey } from "@/lib/pki/key-encryption";

// Keys derived from CERTDOOR_MASTER_KEY (HKDF-SHA256, one label per purpose). The database
// never holds them, so someone who can write to it cannot recompute what they protect.

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

/**
 * A secret the server must read again later (a TOTP seed), sealed for the database as CA keys
 * are: AES-256-GCM under the master key itself, with `boundTo` (what row it belongs to) as
 * additional authenticated data, so a sealed value copied onto another row does not open.
 */
export function sealText(text: string, boundTo: string): string {
  return encryptPrivateKey(Buffer.from(text, "utf8"), parseMasterKey(requireEnv("CERTDOOR_MASTER_KEY")), boundTo);
}

/** The text sealed by sealText for the same `boundTo`; throws when it does not open. */
export function openText(sealed: string, boundTo: string): string {
  return decryptPrivateKey(sealed, parseMasterKey(requireEnv("CERTDOOR_MASTER_KEY")), boundTo).toString("utf8");
}
