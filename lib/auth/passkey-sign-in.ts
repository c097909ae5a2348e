import "server-only";
import { randomBytes } from "node:crypto";
import { cookies } from "next/headers";
import type { RequestContext } from "@/lib/domain/access/principal";
import { passkeySignIn, passkeySignInOptions } from "@/lib/domain/second-factor/passkey-assertion";
import type { AuthenticationOptionsJSON } from "@/lib/domain/second-factor/relying-party";
import { CHALLENGE_TTL_MS } from "@/lib/domain/second-factor/challenges";
import { requestContextFrom } from "@/lib/http/client-info";
import { requestCookie } from "@/lib/auth/request-cookie";
import { webAuthnResponseJsonSchema } from "@/lib/validation/second-factor";

// "Sign in with a passkey" before anyone is signed in: the ceremony's challenge is bound to a
// cookie of this browser (HttpOnly, SameSite=Strict, five minutes), so an answer is accepted
// only from the browser that asked for the challenge, and only once.

export const PASSKEY_COOKIE = "certdoor-passkey";

/** Options for the sign-in page, with a fresh cookie binding them to this browser. */
export async function startPasskeySignIn(context: RequestContext): Promise<AuthenticationOptionsJSON> {
  const value = randomBytes(32).toString("base64url");
  const options = await passkeySignInOptions(value, context);
  const isHttps = context.origin?.startsWith("https:") ?? false;
  (await cookies()).set(PASSKEY_COOKIE, value, { httpOnly: true, sameSite: "strict", secure: isHttps, path: "/", maxAge: Math.floor(CHALLENGE_TTL_MS / 1000) });
  return options;
}

/** Auth.js's "passkey" provider: the user a passkey answer (JSON text) proves for this browser's ceremony, or null. */
export async function authorizePasskey(responseJson: unknown, request: Request): Promise<{ id: string } | null> {
  const binding = requestCookie(request.headers, PASSKEY_COOKIE);
  const parsed = webAuthnResponseJsonSchema.safeParse(responseJson);
  if (!binding || !parsed.success) return null;
  const userId = await passkeySignIn(binding, requestContextFrom(request.headers), parsed.data);
  return userId ? { id: userId } : null;
}
