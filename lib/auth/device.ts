import "server-only";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { requireEnv } from "@/lib/env";

// "This browser signed in to this account before": a cookie set at each successful password
// sign-in, which lets that browser past the per-account sign-in limit, so that a stranger
// guessing admin@localhost's password from many addresses cannot lock its owner out. The
// value is bound to the user, the account's email and a tag of its current password hash,
// and MAC'd with a key derived from AUTH_SECRET, so it cannot be made or moved to another
// account, and a new password (or reset) retires every cookie given out before; nothing is
// stored. Its own wrong guesses still count against the pair and address limits.

export const DEVICE_COOKIE = "certdoor-device";
/** Long-lived (browsers cap cookies at 400 days); each sign-in renews it. */
export const DEVICE_MAX_AGE_SECONDS = 180 * 86_400;

const macKey = () => createHmac("sha256", requireEnv("AUTH_SECRET")).update("certdoor device cookie v1").digest();
const accountTag = (account: string) => createHash("sha256").update(account.toLowerCase()).digest("base64url").slice(0, 22);
const mac = (payload: string) => createHmac("sha256", macKey()).update(payload).digest("base64url");

/** The account a cookie is for: its user id and the tag of its current password (users.ts signInCredentialOf). */
export type DeviceAccount = { id: string; credentialTag: string };

/** A new device cookie value for a user who just signed in with `email`. */
export function deviceToken(account: DeviceAccount, email: string, now = Date.now()): string {
  const payload = `v2.${account.id}.${accountTag(email)}.${account.credentialTag}.${Math.floor(now / 1000).toString(36)}.${randomBytes(9).toString("base64url")}`;
  return `${payload}.${mac(payload)}`;
}

/** Whether a device cookie is genuine, unexpired, for `email` and for the account as it is now (same user, same password). */
export function isDeviceOf(value: string | null | undefined, email: string, account: DeviceAccount | null, now = Date.now()): boolean {
  const parts = (value ?? "").split(".");
  if (!account || parts.length !== 7 || parts[0] !== "v2") return false;
  const [, userId, tag, credentialTag, issued, , given] = parts;
  const expected = Buffer.from(mac(parts.slice(0, 6).join(".")));
  const actual = Buffer.from(given!);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return false;
  if (tag !== accountTag(email) || userId !== account.id || credentialTag !== account.credentialTag) return false;
  const age = now / 1000 - parseInt(issued!, 36);
  return age >= 0 && age <= DEVICE_MAX_AGE_SECONDS;
}
