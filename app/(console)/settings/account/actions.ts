"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/action";
import { requireEnrollingPrincipal } from "@/lib/auth/session";
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
