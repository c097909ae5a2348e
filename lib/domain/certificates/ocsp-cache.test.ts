import { describe, expect, it } from "vitest";
import { cachedOcspReply, cacheOcspReply, OCSP_CACHE_MS, ocspCacheKey } from "@/lib/domain/certificates/ocsp-cache";

// The per-process cache of nonce-less OCSP answers: its staleness bound, its size bound, and
// that an answer is served only under the revocation state it was made under.

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";
const reply = (bytes = 100, thisUpdate = new Date()) => ({ der: new Uint8Array(bytes), thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + 3_600_000), isCacheable: true });
const key = (fd: string, n: number) => ocspCacheKey(fd, Buffer.from(`request ${n}`));

describe("the OCSP answer cache", () => {
  it("serves an answer for at most a minute from its thisUpdate", () => {
    const answer = reply();
    cacheOcspReply(key(A, 1), "ca:1", answer);
    expect(cachedOcspReply(key(A, 1), "ca:1")).toBe(answer);
    expect(cachedOcspReply(key(A, 1), "ca:1", answer.thisUpdate.getTime() + OCSP_CACHE_MS - 1)).toBe(answer);
    expect(cachedOcspReply(key(A, 1), "ca:1", answer.thisUpdate.getTime() + OCSP_CACHE_MS)).toBeUndefined();
    expect(cachedOcspReply(key(A, 1), "ca:1")).toBeUndefined(); // dropped once stale
  });

  it("serves an answer only under the revocation state it was made under", () => {
    cacheOcspReply(key(A, 2), "ca:1", reply());
    cacheOcspReply(key(B, 2), "cb:7", reply());
    // A revocation on A bumped its CA's CRL number: A's answer is gone, B's stays.
    expect(cachedOcspReply(key(A, 2), "ca:2")).toBeUndefined();
    expect(cachedOcspReply(key(A, 2), "ca:1")).toBeUndefined();
    expect(cachedOcspReply(key(B, 2), "cb:7")).toBeDefined();
  });

  it("is bounded: 1,000 answers, oldest first, none over 8 KiB, none with a nonce", () => {
    for (let n = 0; n < 1_001; n++) cacheOcspReply(key(B, 1_000 + n), "cb:1", reply());
    expect(cachedOcspReply(key(B, 1_000), "cb:1")).toBeUndefined();
    expect(cachedOcspReply(key(B, 1_001), "cb:1")).toBeDefined();
    expect(cachedOcspReply(key(B, 2_000), "cb:1")).toBeDefined();
    cacheOcspReply(key(B, 3), "cb:1", reply(8 * 1024 + 1));
    cacheOcspReply(key(B, 4), "cb:1", { ...reply(), isCacheable: false });
    expect([cachedOcspReply(key(B, 3), "cb:1"), cachedOcspReply(key(B, 4), "cb:1")]).toEqual([undefined, undefined]);
  });
});
