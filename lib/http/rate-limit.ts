// Attempts to redeem unknown tokens are guesses; an address that keeps guessing is told to
// wait. Counted per instance, in memory: with several instances each enforces its own
// window, which still bounds a guesser to a small multiple of the limit.

export type RateLimiter = {
  /** Seconds to wait when the key is over its limit, else 0. */
  retryAfter(key: string, now?: number): number;
  hit(key: string, now?: number): void;
};

export function createRateLimiter(options: { limit: number; windowMs: number; maxKeys?: number }): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const maxKeys = options.maxKeys ?? 10_000;
  const current = (key: string, now: number) => {
    const w = windows.get(key);
    return w && now - w.start < options.windowMs ? w : undefined;
  };
  return {
    retryAfter(key, now = Date.now()) {
      const w = current(key, now);
      if (!w || w.count < options.limit) return 0;
      return Math.max(1, Math.ceil((w.start + options.windowMs - now) / 1000));
    },
    hit(key, now = Date.now()) {
      const w = current(key, now);
      if (w) {
        w.count += 1;
        return;
      }
      if (windows.size >= maxKeys) {
        for (const [k, v] of windows) if (now - v.start >= options.windowMs) windows.delete(k);
        if (windows.size >= maxKeys) windows.delete(windows.keys().next().value as string);
      }
      windows.set(key, { start: now, count: 1 });
    },
  };
}

/** Failed sign-ins per email and client address: 10 in 15 minutes. Keyed by both, so nobody
 * can lock another person out from elsewhere. */
export const signInLimiter = createRateLimiter({ limit: 10, windowMs: 15 * 60_000 });

/** Unknown-token guesses per client address: 20 a minute. */
export const tokenGuessLimiter = createRateLimiter({ limit: 20, windowMs: 60_000 });
