import "server-only";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { getDb, getPool } from "@/lib/db";
import { metrics } from "@/lib/observability/metrics";

// Limits shared by every instance and worker: rate-limiter-flexible's PostgreSQL store
// (the UNLOGGED "RateLimit" table, created by a migration). A key that went over its limit
// is also blocked in this process's memory until its window ends, so a blocked client
// costs no database round trip on an instance that has seen it; memory never allows what
// PostgreSQL would refuse, it only refuses sooner.

export class SharedLimit {
  private limiter: RateLimiterPostgres | undefined;

  constructor(private readonly options: { prefix: string; points: number; durationSeconds: number }) {}

  private store(): RateLimiterPostgres {
    this.limiter ??= new RateLimiterPostgres({
      storeClient: getPool(),
      storeType: "pool",
      tableName: "RateLimit",
      tableCreated: true,
      keyPrefix: this.options.prefix,
      points: this.options.points,
      duration: this.options.durationSeconds,
      inMemoryBlockOnConsumed: this.options.points + 1,
    });
    return this.limiter;
  }

  private inMemoryWait(key: string): number {
    // Public in the library's JavaScript, missing from its type declarations.
    const store = this.store() as RateLimiterPostgres & { getInMemoryBlockMsBeforeExpire(rlKey: string): number };
    const ms = store.getInMemoryBlockMsBeforeExpire(store.getKey(key));
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  /** A wait handed to a caller is a refused request: counted for the metrics. */
  private refusing(seconds: number): number {
    if (seconds > 0) metrics().rateLimited.inc({ limit: this.options.prefix });
    return seconds;
  }

  /** Seconds the key must wait, known from this process's memory alone (no round trip). */
  blockedHere(key: string): number {
    return this.refusing(this.inMemoryWait(key));
  }

  /** Seconds the key must wait before its next attempt (it used up its limit), else 0. */
  async retryAfter(key: string): Promise<number> {
    const here = this.inMemoryWait(key);
    if (here > 0) return this.refusing(here);
    const res = await this.store().get(key);
    return this.refusing(res && res.consumedPoints >= this.options.points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0);
  }

  /** Counts one failure; returns the seconds to wait when this one went over the limit, else 0. */
  async hit(key: string): Promise<number> {
    try {
      await this.store().consume(key);
      return 0;
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return this.refusing(Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)));
      throw outcome;
    }
  }
}

/** Failed sign-ins per email and client address: 10 in 15 minutes. */
export const signInLimiter = new SharedLimit({ prefix: "signin-pair", points: 10, durationSeconds: 15 * 60 });

/** Failed sign-ins per client address, whatever the email: changing the email each time does not buy more argon2 checks. */
export const signInAddressLimiter = new SharedLimit({ prefix: "signin-address", points: 30, durationSeconds: 15 * 60 });

/** Failed sign-ins per account (email, known or not), from any address: rotating addresses does not buy more guesses. */
export const signInAccountLimiter = new SharedLimit({ prefix: "signin-account", points: 50, durationSeconds: 60 * 60 });

/** Unknown-token guesses per client address: 20 a minute. */
export const tokenGuessLimiter = new SharedLimit({ prefix: "token-guess", points: 20, durationSeconds: 60 });

/** Drops counters whose window ended over an hour ago (the schedule calls this). */
export async function clearExpiredLimits(): Promise<number> {
  return getDb().$executeRaw`DELETE FROM "RateLimit" WHERE "expire" < ${Date.now() - 3600_000}`;
}
