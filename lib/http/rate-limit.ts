import "server-only";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { getDb, getPool } from "@/lib/db";
import { AppError, isAppError } from "@/lib/domain/errors";
import { metrics } from "@/lib/observability/metrics";

// The one limiter every door uses: limits shared by every instance and worker, in
// rate-limiter-flexible's PostgreSQL store (the UNLOGGED "RateLimit" table), in one of two
// modes, both through `around`:
// - take first (the default), for secrets a person can guess in a few tries (a password,
//   a 6-digit code, a recovery code) and for work that costs a signature: the attempt takes
//   its point in one atomic upsert and is refused when that point is over the limit; only
//   then is the work done, so a burst of concurrent attempts gets exactly `points` through.
//   A rule that counts only failures gives the point back afterwards (a right password).
// - count failures (`rule.mode = "failures"`), for the hot doors whose credential cannot be
//   guessed (a 128-bit token, a certificate and its key): a success costs no statement and
//   takes no lock on a key that a fleet behind one address shares; a counted failure takes
//   its point atomically afterwards. A concurrent burst can pass the limit by the attempts
//   already in flight (each an indexed lookup), and each worker or instance that has not yet
//   seen the refusal does one more lookup before it learns it from PostgreSQL.
// A key's count is the attempts let through in the window minus those given back: a refused
// attempt gives its point back too, so it neither deepens nor prolongs the block. This
// process remembers a refusal for at most MEMORY_SECONDS, so a client that keeps knocking
// costs no round trip meanwhile; memory can refuse for that long what PostgreSQL would
// allow again, never allow what it refuses.

const MEMORY_SECONDS = 10;
const MEMORY_KEYS = 10_000;

/** A refusal by a limit, with the seconds to wait (doors answer 429 with Retry-After). */
export class RateLimited extends AppError {
  constructor(
    readonly retryAfter: number,
    detail: string,
  ) {
    super("rate_limited", detail);
  }
}

/** What a door's limit counts: `counts` says which failures keep their point; `mode` as above (default take first). */
export type LimitRule = { counts: (error: unknown) => boolean; message: (wait: number) => string; mode?: "take-first" | "failures" };

export class SharedLimit {
  private limiter: RateLimiterPostgres | undefined;
  private readonly refused = new Map<string, { until: number; end: number }>();

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
    });
    return this.limiter;
  }

  /** A wait handed to a caller is a refused request: counted for the metrics. */
  private refusing(seconds: number): number {
    metrics().rateLimited.inc({ limit: this.options.prefix });
    return seconds;
  }

  private remembered(key: string, now: number): number {
    const seen = this.refused.get(key);
    if (!seen) return 0;
    if (seen.until > now) return Math.max(1, Math.ceil((seen.end - now) / 1000));
    this.refused.delete(key);
    return 0;
  }

  /**
   * Takes one point for `key` before the attempt. 0: taken, go ahead. Otherwise the key is
   * over its limit, nothing stays taken, and the answer is the seconds to wait.
   */
  async take(key: string): Promise<number> {
    const here = this.remembered(key, Date.now());
    if (here > 0) return this.refusing(here);
    return this.consume(key);
  }

  /** The atomic upsert: 0 when the point was within the limit; else it is given back, the refusal remembered, and the wait returned. */
  private async consume(key: string): Promise<number> {
    try {
      await this.store().consume(key);
      return 0;
    } catch (outcome) {
      if (!(outcome instanceof RateLimiterRes)) throw outcome;
      await this.giveBack(key);
      const now = Date.now();
      if (this.refused.size >= MEMORY_KEYS) this.refused.clear();
      this.refused.set(key, { until: now + Math.min(outcome.msBeforeNext, MEMORY_SECONDS * 1000), end: now + outcome.msBeforeNext });
      return this.refusing(Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)));
    }
  }

  /**
   * Gives back a point taken for an attempt the rule does not count. One conditional
   * statement rather than the library's reward, which on a window that just ended (or a
   * forgotten key) would write -1 and so hand out an extra attempt in the next window.
   */
  async giveBack(key: string): Promise<void> {
    const rlKey = this.store().getKey(key);
    await getDb().$executeRaw`UPDATE "RateLimit" SET "points" = "points" - 1 WHERE "key" = ${rlKey} AND "points" > 0 AND "expire" > ${Date.now()}`;
  }

  /** Forgets the key's count: a success that clears the failures before it. */
  async forget(key: string): Promise<void> {
    this.refused.delete(key);
    await this.store().delete(key);
  }

  /**
   * Runs the attempt under the limit. Take first (default): takes the point, runs the
   * attempt, and gives the point back when `counts` says its outcome is not one the rule
   * counts. Count failures: refuses a key known here to be over, runs the attempt, and takes
   * a point only for an outcome `counts` counts. Refused: RateLimited with `message(wait)`.
   */
  async around<T>(key: string, attempt: () => Promise<T>, rule: LimitRule): Promise<T> {
    if (rule.mode === "failures") return this.countingFailures(key, attempt, rule);
    const wait = await this.take(key);
    if (wait > 0) throw new RateLimited(wait, rule.message(wait));
    try {
      const value = await attempt();
      await this.giveBack(key);
      return value;
    } catch (error) {
      if (!rule.counts(error)) await this.giveBack(key);
      throw error;
    }
  }

  private async countingFailures<T>(key: string, attempt: () => Promise<T>, rule: LimitRule): Promise<T> {
    const here = this.remembered(key, Date.now());
    if (here > 0) throw new RateLimited(this.refusing(here), rule.message(here));
    try {
      return await attempt();
    } catch (error) {
      if (!rule.counts(error)) throw error;
      // A failure past the limit is answered as the refusal it is: the limit-th failure is
      // the last one a client sees as such, as with take first.
      const wait = await this.consume(key);
      if (wait > 0) throw new RateLimited(wait, rule.message(wait));
      throw error;
    }
  }
}

/**
 * Takes a point on each (limit, key) at once: 0 when all were taken; otherwise the points
 * that were taken are given back and the answer is the longest wait.
 */
export async function takeAll(entries: readonly (readonly [SharedLimit, string])[]): Promise<number> {
  const waits = await Promise.all(entries.map(([limit, key]) => limit.take(key)));
  if (waits.every((wait) => wait === 0)) return 0;
  await Promise.all(entries.map(([limit, key], i) => (waits[i] === 0 ? limit.giveBack(key) : undefined)));
  return Math.max(...waits);
}

/** Failed sign-ins per email and client address: 10 in 15 minutes (cleared by a success). */
export const signInLimiter = new SharedLimit({ prefix: "signin-pair", points: 10, durationSeconds: 15 * 60 });

/** Failed sign-ins per client address, whatever the email: changing the email each time does not buy more argon2 checks. */
export const signInAddressLimiter = new SharedLimit({ prefix: "signin-address", points: 30, durationSeconds: 15 * 60 });

/** Failed sign-ins per account (email, known or not), from any address without the account's device cookie: rotating addresses does not buy more guesses. */
export const signInAccountLimiter = new SharedLimit({ prefix: "signin-account", points: 50, durationSeconds: 60 * 60 });

/**
 * Unknown-token guesses per client address: 20 a minute, failures counted (a redemption of a
 * known token costs no statement of the limiter's, so a fleet behind one address is never
 * held back by it; guessing a 128-bit secret is hopeless at any rate).
 */
export const tokenGuessLimiter = new SharedLimit({ prefix: "token-guess", points: 20, durationSeconds: 60 });

/** What counts against the guess limit: an unknown token (every door where a token secret is the credential). */
export const tokenGuessRule: LimitRule = {
  mode: "failures",
  counts: (error: unknown) => isAppError(error) && error.code === "token_not_found",
  message: (wait: number) => `Too many attempts with unknown tokens. Wait ${wait} seconds.`,
};

/** Renewals per client address that do not show a certificate of the Frontdoor and its key: 30 in 10 minutes. */
export const renewalLimiter = new SharedLimit({ prefix: "renewal", points: 30, durationSeconds: 10 * 60 });

/** What counts against renewal: a certificate that is not the Frontdoor's, or a CSR not signed by its key (failures only: a fleet's daily renewals cost the limiter nothing). */
export const renewalLimitRule: LimitRule = {
  mode: "failures",
  counts: (error: unknown) => isAppError(error) && ["certificate_not_found", "renewal_key_mismatch", "csr_signature_invalid", "invalid_csr"].includes(error.code),
  message: (wait: number) => `Too many renewals without a certificate of this Frontdoor and its key from this address. Wait ${wait} seconds.`,
};

/**
 * Renewals issued per key, each point taken before the signature: 30 an hour (a renewal that
 * loses its claim to a concurrent one gives its point back). A certificate whose life is
 * shorter than its renewal window may be renewed at once, and so may each successor; with an
 * old CSR of the key anyone could keep a line renewing without end. Keyed by the key, so a
 * fleet's devices (a key each) never share a row.
 */
export const RENEWALS_PER_KEY_PER_HOUR = 30;
export const renewalKeyLimiter = new SharedLimit({ prefix: "renewal-key", points: RENEWALS_PER_KEY_PER_HOUR, durationSeconds: 60 * 60 });

/**
 * Calls to Microsoft Intune's SCEP validation service per Frontdoor: 300 a minute (a fleet of
 * 18,000 devices an hour), each point taken before the call and kept whatever Intune answers:
 * the call is spent either way. Bounds what garbage challenges from many addresses cost.
 */
export const INTUNE_CALLS_PER_MINUTE = 300;
export const intuneCallLimiter = new SharedLimit({ prefix: "intune-calls", points: INTUNE_CALLS_PER_MINUTE, durationSeconds: 60 });

/** OCSP answers signed per client address: 600 a minute (an answer from the cache costs no point). */
export const ocspLimiter = new SharedLimit({ prefix: "ocsp", points: 600, durationSeconds: 60 });

/** Drops counters whose window ended over an hour ago (the schedule calls this). */
export async function clearExpiredLimits(): Promise<number> {
  return getDb().$executeRaw`DELETE FROM "RateLimit" WHERE "expire" < ${Date.now() - 3600_000}`;
}
