import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { auth } from "@/lib/auth";
import { AppError } from "@/lib/domain/errors";
import type { RequestContext, UserPrincipal } from "@/lib/domain/principal";
import { isSessionLive } from "@/lib/domain/sessions";
import { loadUserPrincipal } from "@/lib/domain/users";
import { requestContextFrom } from "@/lib/http/client-info";

// The helper layer every page, action and handler uses. A layout check alone does not
// protect the actions under it, so actions call getSessionPrincipal themselves.

/** The session's user, if signed in and enabled, as a principal acting from `context`. */
export async function principalFromSession(context: RequestContext): Promise<UserPrincipal | null> {
  const session = await auth();
  const userId = session?.user?.id;
  const sessionId = session?.sessionId;
  // A cookie without a live server-side session (ended, idle, too old) signs nobody in.
  if (!userId || !sessionId || !(await isSessionLive(sessionId, userId))) return null;
  return loadUserPrincipal({ id: userId }, { context, sessionId });
}

/** The signed-in, enabled user as a principal, or null. */
export async function getSessionPrincipal(): Promise<UserPrincipal | null> {
  return principalFromSession(requestContextFrom(await headers()));
}

/** For pages: the principal, or a redirect to /login. */
export async function requireUser(): Promise<UserPrincipal> {
  const principal = await getSessionPrincipal();
  if (!principal) redirect("/login");
  return principal;
}

/** For actions: the principal, or an `unauthenticated` error. */
export async function requireActionPrincipal(): Promise<UserPrincipal> {
  const principal = await getSessionPrincipal();
  if (!principal) throw new AppError("unauthenticated", "Your session has ended. Sign in again.");
  return principal;
}
