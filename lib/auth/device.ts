import "server-only";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { requireEnv } from "@/lib/env";

// "This browser signed in to this account before": a cookie set at each successful password
// sign-in, which lets that browser past the per-account sign-in limit, so that a stranger
// guessing admin@localhost's password from many addresses cannot lock its owner out. The
// value is bound to the user and the account's email and MAC'd with a key derived from
// AUTH_SECRET, so it cannot be made or moved to another account; nothing is stored. Its
// own wrong guesses still count against the pair and address limits.

export const DEVICE_COOKIE = "certdoor-device";
/** Long-lived (browsers cap cookies at 400 days); each sign-in renews it. */
export const DEVICE_MAX_AGE_SECONDS = 180 * 86_400;

const macKey = () => createHmac("sha256", requireEnv("AUTH_SECRET")).update("certdoor device cookie v1").digest();
const accountTag = (account: string) => createHash("sha256").update(account.toLowerCase()).digest("base64url").slice(0, 22);
const mac = (payload: string) => createHmac("sha256", macKey()).update(payload).digest("base64url");

/** A new device cookie value for a user who just signed in with `email`. */
export function deviceToken(userId: string, email: string, now = Date.now()): string {
  const payload = `v1.${userId}.${accountTag(email)}.${Math.floor(now / 1000).toString(36)}.${randomBytes(9).toString("base64url")}`;
  return `${payload}.${mac(payload)}`;
}

/** The user a device cookie was given to, when it is genuine, unexpired and for `email`; else null. */
export function deviceUserFor(value: string | null | undefined, email: string, now = Date.now()): string | null {
  const parts = (value ?? "").split(".");
  if (parts.length !== 6 || parts[0] !== "v1") return null;
  const [, userId, tag, issued, , given] = parts;
  const expected = Buffer.from(mac(parts.slice(0, 5).join(".")));
  const actual = Buffer.from(given!);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  if (tag !== accountTag(email)) return null;
  const age = now / 1000 - parseInt(issued!, 36);
  return age >= 0 && age <= DEVICE_MAX_AGE_SECONDS ? userId! : null;
}
