import { createHash } from "node:crypto";
import type { OcspReply } from "@/lib/domain/certificates/ocsp";

// Signed OCSP answers to requests without a nonce, kept per process so that relying parties
// polling the same certificates cost one signature a minute instead of one each. Staleness
// is bounded: an answer is served for at most OCSP_CACHE_MS after it was produced (CONTRACT,
// "Revocation status"). A revocation through this instance forgets its Frontdoor's answers at
// once, and an answer whose reads raced a revocation is not kept; on other instances the
// minute is the bound. Bounded in entries and bytes, oldest first.

export const OCSP_CACHE_MS = 60_000;
const MAX_ENTRIES = 1_000;
/** An honest answer about 10 certificates is ~1.5 KB; larger ones (CertIDs with padded hash parameters) are not kept. */
const MAX_REPLY_BYTES = 8 * 1024;

type Entry = { frontdoorId: string; reply: OcspReply; until: number };
const replies = new Map<string, Entry>();
/** Bumped by every revocation: an answer read before the bump may predate it and is not kept. */
let revocations = 0;

/** The cache key of a nonce-less request: the Frontdoor and the request's bytes. */
export function ocspCacheKey(frontdoorId: string, requestDer: Uint8Array): string {
  return `${frontdoorId}:${createHash("sha256").update(requestDer).digest("base64")}`;
}

/** A cached answer still inside its minute, if any. */
export function cachedOcspReply(key: string, now = Date.now()): OcspReply | undefined {
  const entry = replies.get(key);
  if (entry && now < entry.until) return entry.reply;
  if (entry) replies.delete(key);
  return undefined;
}

/** Taken before the reads an answer is made of; cacheOcspReply keeps the answer only if no revocation happened since. */
export const ocspCacheEpoch = (): number => revocations;

/** Keeps a nonce-less answer for the rest of its minute (from its thisUpdate). */
export function cacheOcspReply(key: string, frontdoorId: string, epoch: number, reply: OcspReply): void {
  if (epoch !== revocations || !reply.isCacheable || reply.der.byteLength > MAX_REPLY_BYTES) return;
  replies.delete(key);
  if (replies.size >= MAX_ENTRIES) replies.delete(replies.keys().next().value as string);
  replies.set(key, { frontdoorId, reply, until: reply.thisUpdate.getTime() + OCSP_CACHE_MS });
}

/** Forgets a Frontdoor's answers; called once a revocation has committed. */
export function forgetOcspReplies(frontdoorId: string): void {
  revocations += 1;
  for (const [key, entry] of replies) if (entry.frontdoorId === frontdoorId) replies.delete(key);
}
