"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/console/action";
import { rotateFrontdoorCa } from "@/lib/domain/ca/rotate";
import { createFrontdoor, updateFrontdoor } from "@/lib/domain/frontdoors";
import type { CreateFrontdoorInput, UpdateFrontdoorInput } from "@/lib/validation/frontdoors";

export async function createFrontdoorAction(input: CreateFrontdoorInput) {
  const result = await runAction((principal) => createFrontdoor(principal, input));
  if (result.ok) revalidatePath("/frontdoors");
  return result;
}

/** The same change as PATCH /frontdoor/{id}; the domain checks the caller and the settings. */
export async function updateFrontdoorAction(frontdoorId: string, input: UpdateFrontdoorInput) {
  const result = await runAction((principal) => updateFrontdoor(principal, frontdoorId, input));
  if (result.ok) revalidatePath("/frontdoors");
  return result;
}

export async function rotateCaAction(frontdoorId: string) {
  const result = await runAction((principal) => rotateFrontdoorCa(principal, frontdoorId));
  if (result.ok) revalidatePath(`/frontdoors/${frontdoorId}`);
  return result;
}
