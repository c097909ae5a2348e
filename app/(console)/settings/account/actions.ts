"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/console/action";
import { signIn } from "@/lib/auth";
import { startOidcLink } from "@/lib/auth/oidc-link";
import { requireActionPrincipal, requireEnrollingPrincipal } from "@/lib/auth/session";
import { AppError } from "@/lib/domain/errors";
import { env } from "@/lib/env";
import { passkeyRegistrationOptions, registerPasskey, removePasskey } from "@/lib/domain/second-factor/passkeys";
import { regenerateRecoveryCodes } from "@/lib/domain/second-factor/recovery-codes";
import { beginTotpEnrolment, confirmTotpEnrolment, removeTotp } from "@/lib/domain/second-factor/totp";

// The caller's own second factors. Adding one is also allowed to a user the policy sends to
// the set-up page before anything else (requireEnrollingPrincipal); removing and new recovery
// codes need a session that is fully signed in.

export async function beginTotpAction() {
  return runAction((principal) => beginTotpEnrolment(principal), requireEnrollingPrincipal);
}

export async function confirmTotpAction(code: string) {
  return runAction((principal) => confirmTotpEnrolment(principal, code), requireEnrollingPrincipal);
}

export async function passkeyOptionsAction() {
  return runAction((principal) => passkeyRegistrationOptions(principal), requireEnrollingPrincipal);
}

export async function registerPasskeyAction(input: { name: string; response: unknown }) {
  // (Typed for the form; the domain parses whatever actually arrives.)
  return runAction(async (principal) => {
    const passkey = await registerPasskey(principal, input);
    return { id: passkey.id, name: passkey.name };
  }, requireEnrollingPrincipal);
}

export async function removePasskeyAction(passkeyId: string) {
  const result = await runAction((principal) => removePasskey(principal, passkeyId));
  if (result.ok) revalidatePath("/settings/account");
  return result;
}

export async function removeTotpAction() {
  const result = await runAction((principal) => removeTotp(principal));
  if (result.ok) revalidatePath("/settings/account");
  return result;
}

export async function regenerateRecoveryCodesAction() {
  return runAction((principal) => regenerateRecoveryCodes(principal));
}

/** "Link your … account": marks this browser's next provider answer as a link to the signed-in user, then goes to the provider. */
export async function linkOidcAccountAction(): Promise<void> {
  const principal = await requireActionPrincipal();
  if (!env.isOidcConfigured) throw new AppError("forbidden", "No OIDC provider is configured.");
  await startOidcLink(principal);
  // The redirect to the provider travels as an exception; the callback comes back to Your account.
  await signIn("oidc", { redirectTo: "/settings/account?oidc=linked" });
}
