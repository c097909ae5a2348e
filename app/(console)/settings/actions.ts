"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/console/action";
import { setSecondFactorPolicy } from "@/lib/domain/second-factor/policy";

/** Who must have a second factor (administrators only; the domain checks). */
export async function setSecondFactorPolicyAction(policy: string) {
  const result = await runAction((principal) => setSecondFactorPolicy(principal, policy));
  if (result.ok) revalidatePath("/settings");
  return result;
}
