import type { UserPrincipal } from "@/lib/domain/access/principal";

// Keys are looked up at most once per KEY_CACHE_MS per process: automation sends the same
// key thousands of times a second, and each lookup is two reads. So a revoked key, or a
// disabled owner, still works for at most that long on another instance that had just
// seen it; the instance that revokes or disables forgets at once. Bounded; oldest first.

export const KEY_CACHE_MS = 5_000;
const KEY_CACHE_MAX = 10_000;

type Entry = { at: number; principal: UserPrincipal | null; id: string | null };
const keyCache = new Map<string, Entry>();

/** A fresh enough lookup of a key (by its hash), if any. */
export function cachedApiKey(keyHash: string, now = Date.now()): Entry | undefined {
  const entry = keyCache.get(keyHash);
  return entry && now - entry.at < KEY_CACHE_MS ? entry : undefined;
}

export function cacheApiKey(keyHash: string, entry: Entry): void {
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value as string);
  keyCache.set(keyHash, entry);
}

/** Forgets cached lookups of one key (on revocation), or of all keys (a user changed). */
export function forgetApiKeys(apiKeyId?: string): void {
  for (const [hash, entry] of keyCache) if (!apiKeyId || entry.id === apiKeyId) keyCache.delete(hash);
}
