import { createHmac, hkdfSync } from "node:crypto";
import { requireEnv } from "@/lib/env";
import { parseMasterKey } from "@/lib/pki/key-encryption";

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
