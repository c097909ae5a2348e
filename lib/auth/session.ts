import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { auth } from "@/lib/auth";
import { AppError } from "@/lib/domain/errors";
import type { RequestContext, UserPrincipal } from "@/lib/domain/access/principal";
import { type SignInStep, sessionStep } from "@/lib/domain/second-factor/policy";
import { loadUserPrincipal } from "@/lib/domain/access/users";
import { requestContextFrom } from "@/lib/http/client-info";

// The helper layer every page, action and handler uses. A layout check alone does not
// protect the actions under it, so actions call getSessionPrincipal themselves.
//
// A session is signed in only once it is through its second step (lib/domain/second-factor/
// policy.ts signInStep): until then getSessionPrincipal and everything built on it see nobody,
// pages send the user to the step they owe, and only the second step's and the set-up's own
// doors accept the session (requirePendingPrincipal, requireEnrollingPrincipal). API keys are
// credentials of their own and are not affected.

export type SessionState = { step: SignInStep; principal: UserPrincipal } | null;

/** The session's user and where they stand, if the cookie names a live session of an enabled user. */
export async function sessionStateFrom(context: RequestContext): Promise<SessionState> {
  const session = await auth();
  const userId = session?.user?.id;
  const sessionId = session?.sessionId;
  // A cookie without a live server-side session (ended, idle, too old) signs nobody in.
  const step = userId && sessionId ? await sessionStep(sessionId, userId) : null;
  if (!step) return null;
  const principal = await loadUserPrincipal({ id: userId! }, { context, sessionId });
  return principal ? { step, principal } : null;
}

export async function getSessionState(): Promise<SessionState> {
  return sessionStateFrom(requestContextFrom(await headers()));
}

/** The session's user, if signed in (through any second step) and enabled, as a principal acting from `context`. */
export async function principalFromSession(context: RequestContext): Promise<UserPrincipal | null> {
  const state = await sessionStateFrom(context);
  return state?.step === "console" ? state.principal : null;
}

/** The signed-in, enabled user as a principal, or null. */
export async function getSessionPrincipal(): Promise<UserPrincipal | null> {
  return principalFromSession(requestContextFrom(await headers()));
}

/** Where a page sends a session that is not (yet) in the console. */
export const STEP_PAGES: Record<Exclude<SignInStep, "console">, string> = { second_factor: "/login/second-factor", setup: "/setup-second-factor" };

/** For pages: the principal, or a redirect to /login (or to the second step or the set-up it owes). */
export async function requireUser(): Promise<UserPrincipal> {
  const state = await getSessionState();
  if (!state) redirect("/login");
  if (state.step !== "console") redirect(STEP_PAGES[state.step]);
  return state.principal;
}

/** For actions: the principal, or an `unauthenticated` error. */
export async function requireActionPrincipal(): Promise<UserPrincipal> {
  const principal = await getSessionPrincipal();
  if (!principal) throw new AppError("unauthenticated", "Your session has ended. Sign in again.");
  return principal;
}

/** For the second step's actions: the user whose password was right and who owes a second factor. */
export async function requirePendingPrincipal(): Promise<UserPrincipal> {
  const state = await getSessionState();
  if (state?.step !== "second_factor") throw new AppError("unauthenticated", "Sign in again.");
  return state.principal;
}

/** For adding a factor: a signed-in user, or one the policy sends to set one up before anything else. */
export async function requireEnrollingPrincipal(): Promise<UserPrincipal> {
  const state = await getSessionState();
  if (state?.step !== "console" && state?.step !== "setup") throw new AppError("unauthenticated", "Your session has ended. Sign in again.");
  return state.principal;
}
