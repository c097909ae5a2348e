import { createHash, randomBytes } from "node:crypto";

// Token and API-key secrets: a prefix and 32 base62 characters from the CSPRNG (~190 bits;
// the contract asks for at least 128). Only the SHA-256 is stored; a high-entropy secret
// needs no slow hash, and lookup by hash stays a single index probe.

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SECRET_LENGTH = 32;

/** 32 base62 characters without modulo bias (rejection sampling over random bytes). */
export function randomBase62(length = SECRET_LENGTH): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export const TOKEN_PREFIX = "crt_";
export const API_KEY_PREFIX = "cdk_";

export function newTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomBase62()}`;
}

export function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomBase62()}`;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** "crt_…" + the last 4 characters: enough to tell tokens apart, useless to an attacker. */
export function secretHint(secret: string): string {
  return `${TOKEN_PREFIX}…${secret.slice(-4)}`;
}

/** Cheap shape check before any database lookup. */
export function looksLikeTokenSecret(value: string): boolean {
  return /^crt_[0-9A-Za-z]{22,128}$/.test(value);
}
