"use server";

import { redirect } from "next/navigation";
import { runAction } from "@/lib/console/action";
import { signOut } from "@/lib/auth";
import { getSessionPrincipal, getSessionState } from "@/lib/auth/session";
import { changeOwnPassword } from "@/lib/domain/access/account";
import { endAllSessions, endSession } from "@/lib/domain/access/sessions";
import type { ChangePasswordInput } from "@/lib/validation/users";

/** Signing out ends this session on the server too, not only its cookie (also one halfway through signing in). */
export async function signOutAction(): Promise<void> {
  const state = await getSessionState();
  if (state?.principal.sessionId) await endSession(state.principal.sessionId);
  await signOut({ redirectTo: "/login" });
}

/** Every session of the caller, this one included, then the sign-in page. */
export async function signOutEverywhereAction(): Promise<void> {
  const principal = await getSessionPrincipal();
  if (!principal) redirect("/login");
  await endAllSessions(principal, principal.userId);
  await signOut({ redirectTo: "/login" });
}

export async function changePasswordAction(input: ChangePasswordInput) {
  return runAction((principal) => changeOwnPassword(principal, input));
}
