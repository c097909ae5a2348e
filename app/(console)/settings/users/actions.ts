"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/console/action";
import { resetSecondFactors } from "@/lib/domain/second-factor/factors";
import { endAllSessions } from "@/lib/domain/access/sessions";
import { createUser, updateUser } from "@/lib/domain/access/users";
import type { CreateUserInput, UpdateUserInput } from "@/lib/validation/users";

export async function createUserAction(input: CreateUserInput) {
  const result = await runAction((principal) => createUser(principal, input));
  if (result.ok) revalidatePath("/settings/users");
  return result;
}

export async function updateUserAction(input: UpdateUserInput) {
  const result = await runAction((principal) => updateUser(principal, input));
  if (result.ok) revalidatePath("/settings/users");
  return result;
}

/** An administrator signs a user out of every browser. */
export async function endUserSessionsAction(userId: string) {
  return runAction((principal) => endAllSessions(principal, String(userId)));
}

/** An administrator removes a user's passkeys, authenticator app and recovery codes (a lost device). */
export async function resetSecondFactorAction(userId: string) {
  const result = await runAction((principal) => resetSecondFactors(principal, userId));
  if (result.ok) revalidatePath("/settings/users");
  return result;
}
