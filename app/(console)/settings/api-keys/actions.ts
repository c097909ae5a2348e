"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/console/action";
import { createApiKey, revokeApiKey } from "@/lib/domain/access/api-keys";
import type { CreateApiKeyInput } from "@/lib/validation/api-keys";

export async function createApiKeyAction(input: CreateApiKeyInput) {
  const result = await runAction((p) => createApiKey(p, input));
  if (result.ok) revalidatePath("/settings/api-keys");
  return result;
}

export async function revokeApiKeyAction(apiKeyId: string) {
  const result = await runAction((p) => revokeApiKey(p, String(apiKeyId)));
  if (result.ok) revalidatePath("/settings/api-keys");
  return result;
}
