"use server";

import { revalidatePath } from "next/cache";
import { runAction, textArg } from "@/lib/console/action";
import { importIssuingCa, requestIssuingCa } from "@/lib/domain/ca/enterprise";
import type { CaImportInput, CaRequestInput } from "@/lib/validation/enterprise-root";

// The Frontdoor page's two enterprise-root steps. Anyone can call an action with anything:
// runAction authenticates the caller, the domain allows administrators only and parses the
// input with the schema `certdoor ca csr` / `ca import` use.

export async function requestIssuingCaAction(frontdoorId: string, input: CaRequestInput) {
  const result = await runAction((principal) => requestIssuingCa(principal, textArg(frontdoorId), input));
  if (result.ok) revalidatePath(`/frontdoors/${result.data.frontdoorId}`);
  return result;
}

export async function importIssuingCaAction(frontdoorId: string, input: CaImportInput) {
  const result = await runAction((principal) => importIssuingCa(principal, textArg(frontdoorId), input));
  if (result.ok) revalidatePath(`/frontdoors/${result.data.frontdoorId}`);
  return result;
}
