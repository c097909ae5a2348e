import { createHash } from "node:crypto";
import type { OcspReply } from "@/lib/domain/certificates/ocsp";

// Signed OCSP answers to requests without a nonce, kept per process so that relying parties
// polling the same certificates cost one small read instead of a read and a signature each.
// An answer is served only while its Frontdoor's revocation state is the one it was made
// under: the validator is the Frontdoor's CAs' CRL numbers, which every revocation bumps in
// its own transaction (the CRL is signed with it), read from PostgreSQL before each use. So a
// revocation is visible at once on every worker and instance, not only on the one that made
// it. Staleness is bounded besides: an answer is served for at most OCSP_CACHE_MS after it
// was produced (CONTRACT, "Revocation status"). Bounded in entries and bytes, oldest first.

export const OCSP_CACHE_MS = 60_000;
const MAX_ENTRIES = 1_000;
/** An honest answer about 10 certificates is ~1.5 KB; larger ones (CertIDs with padded hash parameters) are not kept. */
const MAX_REPLY_BYTES = 8 * 1024;

type Entry = { validator: string; reply: OcspReply; until: number };
const replies = new Map<string, Entry>();

/** The cache key of a nonce-less request: the Frontdoor and the request's bytes. */
export function ocspCacheKey(frontdoorId: string, requestDer: Uint8Array): string {
  return `${frontdoorId}:${createHash("sha256").update(requestDer).digest("base64")}`;
}

/** A cached answer made under this revocation state and still inside its minute, if any. */
export function cachedOcspReply(key: string, validator: string, now = Date.now()): OcspReply | undefined {
  const entry = replies.get(key);
  if (entry && now < entry.until && entry.validator === validator) return entry.reply;
  if (entry) replies.delete(key);
  return undefined;
}

/** Keeps a nonce-less answer, made from reads taken after `validator` was read, for the rest of its minute (from its thisUpdate). */
export function cacheOcspReply(key: string, validator: string, reply: OcspReply): void {
  if (!reply.isCacheable || reply.der.byteLength > MAX_REPLY_BYTES) return;
  replies.delete(key);
  if (replies.size >= MAX_ENTRIES) replies.delete(replies.keys().next().value as string);
  replies.set(key, { validator, reply, until: reply.thisUpdate.getTime() + OCSP_CACHE_MS });
}
