"use server";

import { redirect } from "next/navigation";
import { runAction } from "@/lib/console/action";
import { requirePendingPrincipal } from "@/lib/auth/session";
import { completeSecondStepWithCode, completeSecondStepWithPasskey, secondStepPasskeyOptions } from "@/lib/domain/second-factor/second-step";

// The second step of a password sign-in. These are the only actions a session that owes it
// may call (requirePendingPrincipal); once it passes, the console opens.

export type SecondStepState = { error?: string };

export async function verifySecondStepAction(_prev: SecondStepState, form: FormData): Promise<SecondStepState> {
  const result = await runAction((pending) => completeSecondStepWithCode(pending, String(form.get("code") ?? "")), requirePendingPrincipal);
  if (!result.ok) return { error: result.fieldErrors?.code ?? result.message };
  redirect("/");
}

export async function secondStepPasskeyOptionsAction() {
  return runAction((pending) => secondStepPasskeyOptions(pending), requirePendingPrincipal);
}

export async function verifySecondStepPasskeyAction(response: unknown) {
  const result = await runAction((pending) => completeSecondStepWithPasskey(pending, response), requirePendingPrincipal);
  if (result.ok) redirect("/");
  return result;
}
