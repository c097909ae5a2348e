import "server-only";
import { deviceToken, isDeviceOf } from "@/lib/auth/device";
import { signInCredentialOf, verifyCredentials } from "@/lib/domain/access/users";
import { addressKey } from "@/lib/http/client-info";
import { signInAccountLimiter, signInAddressLimiter, signInLimiter, type SharedLimit, takeAll } from "@/lib/http/rate-limit";

// Password sign-in behind three limits, each point taken before the (deliberately costly)
// argon2 check, so a burst gets no more checks than the smallest limit allows: per email and
// address (nobody elsewhere can lock you out of your own machine), per address across
// emails (changing the email each time buys nothing), per account across addresses
// (rotating addresses buys nothing). A browser holding the account's device cookie (it
// signed in here before: lib/auth/device.ts) skips the account limit, so a stranger cannot
// lock the owner out. A success gives its points back and clears the pair's failures. The
// outcome is the same whichever limit applies, and unknown emails count like known ones, so
// a refusal says nothing about whether the account exists.

export type SignInOutcome = { kind: "ok"; userId: string; device: string } | { kind: "wrong" } | { kind: "rate_limited" };

/** Checks an email and password from a client address, with this browser's device cookie if it has one. */
export async function passwordSignIn(email: string, password: string, ip: string | null, device: string | null = null): Promise<SignInOutcome> {
  const account = email.toLowerCase();
  const address = addressKey(ip);
  const pair = `${account}|${address}`;
  // Read only when a cookie is shown: it must be for the account as it is now (same user, same password).
  const isKnownDevice = device ? isDeviceOf(device, account, await signInCredentialOf(account)) : false;
  const limits: (readonly [SharedLimit, string])[] = [[signInLimiter, pair], [signInAddressLimiter, address]];
  if (!isKnownDevice) limits.push([signInAccountLimiter, account]);
  if ((await takeAll(limits)) > 0) return { kind: "rate_limited" };
  const user = await verifyCredentials(email, password);
  if (!user) return { kind: "wrong" };
  await Promise.all(limits.map(([limit, key]) => (limit === signInLimiter ? limit.forget(key) : limit.giveBack(key))));
  return { kind: "ok", userId: user.id, device: deviceToken(user, account) };
}
