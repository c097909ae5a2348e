"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/action";
import { rotateFrontdoorCa } from "@/lib/domain/ca-rotate";
import { createFrontdoor, setTcpShares } from "@/lib/domain/frontdoors";
import type { CreateFrontdoorInput, SetTcpSharesInput } from "@/lib/validation/frontdoors";

export async function createFrontdoorAction(input: CreateFrontdoorInput) {
  const result = await runAction((principal) => createFrontdoor(principal, input));
  if (result.ok) revalidatePath("/frontdoors");
  return result;
}

export async function setTcpSharesAction(input: SetTcpSharesInput) {
  const result = await runAction((principal) => setTcpShares(principal, input));
  if (result.ok) revalidatePath("/frontdoors");
  return result;
}

export async function rotateCaAction(frontdoorId: string) {
  const result = await runAction((principal) => rotateFrontdoorCa(principal, frontdoorId));
  if (result.ok) revalidatePath(`/frontdoors/${frontdoorId}`);
  return result;
}
