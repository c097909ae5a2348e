import "server-only";
import { cookies } from "next/headers";
import type { UserPrincipal } from "@/lib/domain/access/principal";
import { sessionStep } from "@/lib/domain/second-factor/policy";

// "Link your provider account" on Your account. The provider's answer arrives at Auth.js's
// callback like any sign-in; what makes it a link is this cookie, set by the signed-in
// user's own action and naming the session it was made in, together with that session's own
// cookie arriving on the callback: a link is made only for the user of a live session that is
// through its second step, and only when the browser asked for it in that session. The
// cookie is SameSite=Lax because the provider sends the browser back with a top-level GET
// from another site (Strict would not be sent); it holds no secret, the session cookie does.

const LINK_COOKIE = "certdoor-oidc-link";
const LINK_TTL_SECONDS = 10 * 60;

/** Marks this browser's next OIDC answer as a link to the caller's account. */
export async function startOidcLink(principal: UserPrincipal): Promise<void> {
  if (!principal.sessionId || principal.apiKeyId) return;
  const isHttps = principal.context?.origin?.startsWith("https:") ?? false;
  (await cookies()).set(LINK_COOKIE, principal.sessionId, { httpOnly: true, sameSite: "lax", secure: isHttps, path: "/", maxAge: LINK_TTL_SECONDS });
}

/**
 * The signed-in session an OIDC answer should be linked to: the link cookie's session, when
 * the request's own session (user id and session id from the Auth.js cookie) is that one and
 * is in the console. Null for an ordinary sign-in. The cookie is used up either way.
 */
export async function linkingSession(current: { userId?: string; sessionId?: string } | null): Promise<{ userId: string; sessionId: string } | null> {
  const jar = await cookies();
  const wanted = jar.get(LINK_COOKIE)?.value;
  if (!wanted) return null;
  jar.delete(LINK_COOKIE);
  if (!current?.userId || current.sessionId !== wanted) return null;
  return (await sessionStep(wanted, current.userId)) === "console" ? { userId: current.userId, sessionId: wanted } : null;
}
