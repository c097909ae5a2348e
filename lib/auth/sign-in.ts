import "server-only";
import { verifyCredentials } from "@/lib/domain/users";
import { signInAccountLimiter, signInAddressLimiter, signInLimiter } from "@/lib/http/rate-limit";

// Password sign-in behind three limits, all checked before the (deliberately costly)
// argon2 check: per email and address (nobody elsewhere can lock you out of your own
// machine), per address across emails (changing the email each time buys nothing), per
// account across addresses (rotating addresses buys nothing). The outcome is the same
// whichever limit applies, and unknown emails count like known ones, so a refusal says
// nothing about whether the account exists.

const LIMITS = [signInLimiter, signInAddressLimiter, signInAccountLimiter] as const;

export type SignInOutcome = { kind: "ok"; userId: string } | { kind: "wrong" } | { kind: "rate_limited" };

/** Checks an email and password from a client address. */
export async function passwordSignIn(email: string, password: string, ip: string | null): Promise<SignInOutcome> {
  const account = email.toLowerCase();
  const address = ip ?? "unknown";
  const keys = [`${account}|${address}`, address, account] as const;
  const waits = await Promise.all(LIMITS.map((limit, i) => limit.retryAfter(keys[i]!)));
  if (waits.some((wait) => wait > 0)) return { kind: "rate_limited" };
  const user = await verifyCredentials(email, password);
  if (user) return { kind: "ok", userId: user.id };
  await Promise.all(LIMITS.map((limit, i) => limit.hit(keys[i]!)));
  return { kind: "wrong" };
}
