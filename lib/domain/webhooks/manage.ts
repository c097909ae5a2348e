import { randomUUID } from "node:crypto";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { AppError } from "@/lib/domain/errors";
import type { Principal } from "@/lib/domain/access/principal";
import {
  frontdoorToAdminister,
  frontdoorToAudit,
  newWebhookSecret,
  sealSecret,
  toWebhookView,
  type WebhookView,
  webhookOn,
  webhookViewSelect,
} from "@/lib/domain/webhooks/access";
import { checkWebhookUrl } from "@/lib/domain/webhooks/network";
import { type CreateWebhookInput, createWebhookSchema } from "@/lib/validation/webhooks";
import { parseInput } from "@/lib/validation/parse";

export type CreatedWebhook = WebhookView & { secret: string };

/** Registers an endpoint; the only time its signing secret is returned. */
export async function createWebhook(principal: Principal, frontdoorId: string, raw: CreateWebhookInput): Promise<CreatedWebhook> {
  const frontdoor = await frontdoorToAdminister(principal, frontdoorId);
  const input = parseInput(createWebhookSchema, raw);
  const url = await checkWebhookUrl(input.url);
  const id = `wh-${randomUUID()}`;
  const secret = newWebhookSecret();
  const row = await getDb().$transaction(async (tx) => {
    const created = await tx.webhook.create({
      data: { id, frontdoorId: frontdoor.id, url: url.href, description: input.description, events: input.events, encryptedSecret: sealSecret(secret, id) },
      select: webhookViewSelect,
    });
    // The origin only: paths of webhook URLs often carry a receiver's own token, and the
    // audit log keeps what it is given forever.
    await recordAudit(tx, principal, { action: "webhook.created", frontdoorId: frontdoor.id, targetKind: "webhook", targetId: id, details: { origin: url.origin, events: input.events } });
    return created;
  });
  return { ...toWebhookView(row), secret };
}

/** A Frontdoor's endpoints, oldest first, without secrets. */
export async function listWebhooks(principal: Principal, frontdoorId: string): Promise<WebhookView[]> {
  const frontdoor = await frontdoorToAudit(principal, frontdoorId);
  const rows = await getDb().webhook.findMany({ where: { frontdoorId: frontdoor.id }, select: webhookViewSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map(toWebhookView);
}

/** One endpoint, without its secret. */
export async function getWebhook(principal: Principal, frontdoorId: string, webhookId: string): Promise<WebhookView> {
  const frontdoor = await frontdoorToAudit(principal, frontdoorId);
  return webhookOn(getDb(), frontdoor.id, webhookId);
}

/** One endpoint by id alone (console pages), if the caller may read its Frontdoor's webhooks. */
export async function findWebhook(principal: Principal, webhookId: string): Promise<WebhookView> {
  const row = await getDb().webhook.findUnique({ where: { id: String(webhookId) }, select: { frontdoorId: true } });
  if (!row) throw new AppError("webhook_not_found");
  return getWebhook(principal, row.frontdoorId, webhookId);
}

/** Removes an endpoint and its delivery log; queued deliveries to it are dropped. */
export async function deleteWebhook(principal: Principal, frontdoorId: string, webhookId: string): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const frontdoor = await frontdoorToAdminister(principal, frontdoorId, tx);
    const webhook = await webhookOn(tx, frontdoor.id, webhookId);
    await tx.webhook.delete({ where: { id: webhook.id } });
    await recordAudit(tx, principal, { action: "webhook.deleted", frontdoorId: frontdoor.id, targetKind: "webhook", targetId: webhook.id, details: { origin: new URL(webhook.url).origin } });
  });
}

/** Turns a disabled endpoint back on, with a clean failure record. */
export async function enableWebhook(principal: Principal, frontdoorId: string, webhookId: string): Promise<WebhookView> {
  return getDb().$transaction(async (tx) => {
    const frontdoor = await frontdoorToAdminister(principal, frontdoorId, tx);
    const webhook = await webhookOn(tx, frontdoor.id, webhookId);
    if (webhook.enabled) return webhook;
    const row = await tx.webhook.update({ where: { id: webhook.id }, data: { disabledAt: null, disabledReason: null, failingSince: null }, select: webhookViewSelect });
    await recordAudit(tx, principal, { action: "webhook.enabled", frontdoorId: frontdoor.id, targetKind: "webhook", targetId: webhook.id });
    return toWebhookView(row);
  });
}
