import { describe, expect, it } from "vitest";
import { cachedOcspReply, cacheOcspReply, forgetOcspReplies, OCSP_CACHE_MS, ocspCacheEpoch, ocspCacheKey } from "@/lib/domain/certificates/ocsp-cache";

// The per-process cache of nonce-less OCSP answers: its staleness bound, its size bound, and
// that a revocation wins over an answer read before it.

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";
const reply = (bytes = 100, thisUpdate = new Date()) => ({ der: new Uint8Array(bytes), thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + 3_600_000), isCacheable: true });
const key = (fd: string, n: number) => ocspCacheKey(fd, Buffer.from(`request ${n}`));

describe("the OCSP answer cache", () => {
  it("serves an answer for at most a minute from its thisUpdate", () => {
    const answer = reply();
    cacheOcspReply(key(A, 1), A, ocspCacheEpoch(), answer);
    expect(cachedOcspReply(key(A, 1))).toBe(answer);
    expect(cachedOcspReply(key(A, 1), answer.thisUpdate.getTime() + OCSP_CACHE_MS - 1)).toBe(answer);
    expect(cachedOcspReply(key(A, 1), answer.thisUpdate.getTime() + OCSP_CACHE_MS)).toBeUndefined();
    expect(cachedOcspReply(key(A, 1))).toBeUndefined(); // dropped once stale
  });

  it("keeps no answer read before a revocation, and a revocation forgets only its Frontdoor's answers", () => {
    const epoch = ocspCacheEpoch();
    cacheOcspReply(key(A, 2), A, epoch, reply());
    cacheOcspReply(key(B, 2), B, epoch, reply());
    forgetOcspReplies(A);
    expect(cachedOcspReply(key(A, 2))).toBeUndefined();
    expect(cachedOcspReply(key(B, 2))).toBeDefined();
    // Read before the revocation committed, stored after it forgot: not kept.
    cacheOcspReply(key(A, 3), A, epoch, reply());
    expect(cachedOcspReply(key(A, 3))).toBeUndefined();
    cacheOcspReply(key(A, 3), A, ocspCacheEpoch(), reply());
    expect(cachedOcspReply(key(A, 3))).toBeDefined();
  });

  it("is bounded: 1,000 answers, oldest first, none over 8 KiB, none with a nonce", () => {
    const epoch = ocspCacheEpoch();
    for (let n = 0; n < 1_001; n++) cacheOcspReply(key(B, 1_000 + n), B, epoch, reply());
    expect(cachedOcspReply(key(B, 1_000))).toBeUndefined();
    expect(cachedOcspReply(key(B, 1_001))).toBeDefined();
    expect(cachedOcspReply(key(B, 2_000))).toBeDefined();
    cacheOcspReply(key(B, 3), B, epoch, reply(8 * 1024 + 1));
    cacheOcspReply(key(B, 4), B, epoch, { ...reply(), isCacheable: false });
    expect([cachedOcspReply(key(B, 3)), cachedOcspReply(key(B, 4))]).toEqual([undefined, undefined]);
  });
});
