import { describe, expect, it } from "vitest";
import { createRateLimiter } from "@/lib/http/rate-limit";

describe("createRateLimiter", () => {
  it("allows the limit, then asks to wait until the window ends, per key", () => {
    const limiter = createRateLimiter({ limit: 3, windowMs: 60_000 });
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter("a", t0)).toBe(0);
      limiter.hit("a", t0);
    }
    expect(limiter.retryAfter("a", t0 + 1000)).toBe(59);
    expect(limiter.retryAfter("b", t0 + 1000)).toBe(0);
    expect(limiter.retryAfter("a", t0 + 60_000)).toBe(0);
  });

  it("keeps its memory bounded", () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 100 });
    for (let i = 0; i < 1000; i++) limiter.hit(`k${i}`, 5);
    expect(limiter.retryAfter("k999", 6)).toBeGreaterThan(0);
    expect(limiter.retryAfter("k0", 6)).toBe(0);
  });
});
