import { getDb, type Tx } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { AppError } from "@/lib/domain/errors";
import type { Principal } from "@/lib/domain/access/principal";
import { frontdoorToAdminister, frontdoorToAudit, type WebhookView, webhookOn } from "@/lib/domain/webhooks/access";
import { messageIdOf } from "@/lib/domain/webhooks/payload";
import { enqueueDelivery } from "@/lib/domain/webhooks/jobs";

// An endpoint's delivery log, and the administrator's two ways to send again: a test event,
// and a redelivery of an event from the log. Both are queued like any event, so the worker
// signs, sends, retries and records them the same way.

export const DELIVERY_LOG_SIZE = 100;
const KEEP_PER_ENDPOINT = 1_000;
const KEEP_DAYS = 30;

export type DeliveryView = {
  id: string;
  /** The webhook-id header the receiver got (msg_…), the same on every attempt. */
  eventId: string;
  type: string;
  attempt: number;
  statusCode: number | null;
  latencyMs: number;
  responseSnippet: string | null;
  error: string | null;
  createdAt: Date;
};

/** The endpoint's most recent attempts, newest first. */
export async function listDeliveries(principal: Principal, frontdoorId: string, webhookId: string): Promise<DeliveryView[]> {
  const frontdoor = await frontdoorToAudit(principal, frontdoorId);
  const webhook = await webhookOn(getDb(), frontdoor.id, webhookId);
  const rows = await getDb().webhookDelivery.findMany({ where: { webhookId: webhook.id }, orderBy: { id: "desc" }, take: DELIVERY_LOG_SIZE });
  return rows.map(({ id, eventId, webhookId: _, ...rest }) => ({ ...rest, id: id.toString(), eventId: messageIdOf(eventId) }));
}

/** An administrator's change to an enabled endpoint of theirs, in one transaction. */
async function withEnabledWebhook<T>(principal: Principal, frontdoorId: string, webhookId: string, fn: (tx: Tx, webhook: WebhookView) => Promise<T>): Promise<T> {
  return getDb().$transaction(async (tx) => {
    const frontdoor = await frontdoorToAdminister(principal, frontdoorId, tx);
    const webhook = await webhookOn(tx, frontdoor.id, webhookId);
    if (!webhook.enabled) throw new AppError("conflict", "This endpoint is disabled; enable it again first.");
    return fn(tx, webhook);
  });
}

/** Sends a `webhook.test` event to this endpoint only (an audit event the trigger queues). */
export async function sendTestEvent(principal: Principal, frontdoorId: string, webhookId: string): Promise<void> {
  await withEnabledWebhook(principal, frontdoorId, webhookId, (tx, webhook) =>
    recordAudit(tx, principal, { action: "webhook.test_sent", frontdoorId: webhook.frontdoorId, targetKind: "webhook", targetId: webhook.id }),
  );
}

/** Queues the event of a logged delivery again, with a fresh set of attempts. */
export async function redeliver(principal: Principal, frontdoorId: string, webhookId: string, deliveryId: string): Promise<void> {
  if (!/^\d{1,18}$/.test(String(deliveryId))) throw new AppError("validation_failed", "Not a delivery id.");
  await withEnabledWebhook(principal, frontdoorId, webhookId, async (tx, webhook) => {
    const delivery = await tx.webhookDelivery.findFirst({ where: { id: BigInt(deliveryId), webhookId: webhook.id }, select: { eventId: true } });
    if (!delivery) throw new AppError("webhook_not_found", `No delivery ${deliveryId} of this webhook.`);
    await enqueueDelivery(tx, webhook.id, delivery.eventId);
    await recordAudit(tx, principal, { action: "webhook.redelivered", frontdoorId: webhook.frontdoorId, targetKind: "webhook", targetId: webhook.id, details: { eventId: messageIdOf(delivery.eventId) } });
  });
}

/** Keeps the log bounded: 30 days, and at most 1,000 attempts per endpoint (the schedule calls this). */
export async function pruneDeliveries(): Promise<number> {
  const db = getDb();
  const old = await db.$executeRaw`DELETE FROM "WebhookDelivery" WHERE "createdAt" < now() - make_interval(days => ${KEEP_DAYS})`;
  const beyond = await db.$executeRaw`
    DELETE FROM "WebhookDelivery" d
     USING (SELECT "id", row_number() OVER (PARTITION BY "webhookId" ORDER BY "id" DESC) AS n FROM "WebhookDelivery") ranked
     WHERE d."id" = ranked."id" AND ranked.n > ${KEEP_PER_ENDPOINT}`;
  return old + beyond;
}
