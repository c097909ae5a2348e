"use server";

import { revalidatePath } from "next/cache";
import { runAction, textArg } from "@/lib/console/action";
import { createWebhook, deleteWebhook, enableWebhook, redeliver, sendTestEvent } from "@/lib/domain/webhooks";
import type { CreateWebhookInput } from "@/lib/validation/webhooks";

// The console's webhook changes; each checks its caller in the domain (administrators only).

export async function createWebhookAction(frontdoorId: string, input: CreateWebhookInput) {
  const result = await runAction((p) => createWebhook(p, textArg(frontdoorId), input));
  if (result.ok) revalidatePath("/webhooks", "layout");
  return result;
}

export async function deleteWebhookAction(frontdoorId: string, webhookId: string) {
  const result = await runAction((p) => deleteWebhook(p, textArg(frontdoorId), textArg(webhookId)));
  if (result.ok) revalidatePath("/webhooks", "layout");
  return result;
}

export async function enableWebhookAction(frontdoorId: string, webhookId: string) {
  const result = await runAction((p) => enableWebhook(p, textArg(frontdoorId), textArg(webhookId)));
  if (result.ok) revalidatePath("/webhooks", "layout");
  return result;
}

export async function sendTestEventAction(frontdoorId: string, webhookId: string) {
  return runAction((p) => sendTestEvent(p, textArg(frontdoorId), textArg(webhookId)));
}

export async function redeliverAction(frontdoorId: string, webhookId: string, deliveryId: string) {
  return runAction((p) => redeliver(p, textArg(frontdoorId), textArg(webhookId), textArg(deliveryId)));
}
