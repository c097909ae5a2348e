import { Webhook as Signer } from "standardwebhooks";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { systemPrincipal } from "@/lib/domain/access/principal";
import { openSecret } from "@/lib/domain/webhooks/access";
import { postWebhook, type PostOutcome } from "@/lib/domain/webhooks/network";
import { type EventRow, eventTypeOf, messageIdOf, webhookBody } from "@/lib/domain/webhooks/payload";

// One delivery attempt of one event to one endpoint: read the event, build and sign the
// body, POST it, record the attempt. The queue (worker.ts) calls this and retries on
// failure; tests call it directly. An endpoint that has failed for 24 hours without a
// single success is disabled here, with the reason, and the disabling is audited.

export const FAILING_DISABLES_AFTER_HOURS = 24;

export type DeliveryJob = { webhookId: string; eventId: bigint };

export type DeliveryResult =
  | { outcome: "skipped"; reason: string }
  | { outcome: "delivered" | "failed"; statusCode: number | null; error: string | null; isDisabled: boolean };

type TargetRow = Omit<EventRow, "certificate"> & {
  url: string;
  encryptedSecret: string;
  disabledAt: Date | null;
  /** The certificate's columns, all null unless the event is about a certificate. */
  certificateName: string | null;
  commonName: string | null;
  organization: string | null;
  organizationalUnit: string | null;
  serialNumber: string | null;
  keyAlgorithm: string | null;
  notBefore: Date | null;
  notAfter: Date | null;
  tokenId: string | null;
};

/** The endpoint and the event in one read (a certificate event with the certificate's facts). */
async function readTarget(job: DeliveryJob): Promise<TargetRow | undefined> {
  const [row] = await getDb().$queryRaw<TargetRow[]>`
    SELECT w."url", w."encryptedSecret", w."disabledAt",
           e."id" AS "eventId", e."at", e."action", e."frontdoorId"::text AS "frontdoorId", e."targetId", e."details",
           c."name" AS "certificateName", c."commonName", c."organization", c."organizationalUnit", c."serialNumber", c."keyAlgorithm",
           c."notBefore", c."notAfter", t."id" AS "tokenId"
      FROM "Webhook" w
      JOIN "AuditEvent" e ON e."id" = ${job.eventId} AND e."frontdoorId" = w."frontdoorId"
      LEFT JOIN "ClientCertificate" c ON e."targetKind" = 'certificate' AND c."id" = e."targetId" AND c."frontdoorId" = w."frontdoorId"
      LEFT JOIN "CertificateRequestToken" t ON t."clientCertificateId" = c."id"
     WHERE w."id" = ${job.webhookId}`;
  return row;
}

function eventOf(row: TargetRow): EventRow {
  const { certificateName, commonName, serialNumber, keyAlgorithm, notBefore, notAfter } = row;
  const certificate =
    certificateName !== null && commonName !== null && serialNumber !== null && keyAlgorithm !== null && notBefore && notAfter
      ? { tokenId: row.tokenId, name: certificateName, commonName, organization: row.organization, organizationalUnit: row.organizationalUnit, serialNumber, keyAlgorithm, notBefore, notAfter }
      : null;
  return { eventId: row.eventId, at: row.at, action: row.action, frontdoorId: row.frontdoorId, targetId: row.targetId, details: row.details, certificate };
}

const isSuccess = (outcome: PostOutcome) => outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;

/** Delivers one event to one endpoint once (attempt numbers come from the queue). */
export async function deliverWebhook(job: DeliveryJob, attempt = 1): Promise<DeliveryResult> {
  const row = await readTarget(job);
  if (!row) return { outcome: "skipped", reason: "the endpoint or the event no longer exists" };
  if (row.disabledAt) return { outcome: "skipped", reason: "the endpoint is disabled" };

  const body = JSON.stringify(webhookBody(eventOf(row)));
  const messageId = messageIdOf(row.eventId);
  const sentAt = new Date();
  const signature = new Signer(openSecret(row.encryptedSecret, job.webhookId)).sign(messageId, sentAt, body);
  const outcome = await postWebhook(row.url, body, {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
    "webhook-signature": signature,
  });
  const isDisabled = await recordAttempt(job, eventTypeOf(row.action), attempt, outcome);
  return { outcome: isSuccess(outcome) ? "delivered" : "failed", statusCode: outcome.statusCode, error: outcome.error, isDisabled };
}

/** Stores the attempt and the endpoint's failure streak; disables it after 24 hours of failing. Returns whether it did. */
async function recordAttempt(job: DeliveryJob, type: string, attempt: number, outcome: PostOutcome): Promise<boolean> {
  const ok = isSuccess(outcome);
  return getDb().$transaction(async (tx) => {
    const [streak] = await tx.$queryRaw<{ failingSince: Date | null; isDue: boolean; frontdoorId: string }[]>`
      WITH attempt AS (
        INSERT INTO "WebhookDelivery" ("webhookId", "eventId", "type", "attempt", "statusCode", "latencyMs", "responseSnippet", "error")
        VALUES (${job.webhookId}, ${job.eventId}, ${type}, ${attempt}, ${outcome.statusCode}, ${outcome.latencyMs}, ${outcome.responseSnippet}, ${outcome.error})
      )
      UPDATE "Webhook" SET "failingSince" = CASE WHEN ${ok} THEN NULL ELSE COALESCE("failingSince", now()) END
       WHERE "id" = ${job.webhookId}
      RETURNING "failingSince", "frontdoorId"::text AS "frontdoorId",
                ("failingSince" <= now() - make_interval(hours => ${FAILING_DISABLES_AFTER_HOURS})) AS "isDue"`;
    if (ok || !streak?.isDue || !streak.failingSince) return false;
    const last = outcome.statusCode !== null ? `answered HTTP ${outcome.statusCode}` : outcome.error;
    const reason = `Every delivery failed for ${FAILING_DISABLES_AFTER_HOURS} hours (since ${streak.failingSince.toISOString()}); the last attempt ${last}.`;
    const disabled = await tx.webhook.updateMany({ where: { id: job.webhookId, disabledAt: null }, data: { disabledAt: new Date(), disabledReason: reason } });
    if (disabled.count === 0) return false;
    await recordAudit(tx, systemPrincipal("webhooks"), { action: "webhook.disabled", frontdoorId: streak.frontdoorId, targetKind: "webhook", targetId: job.webhookId, details: { reason } });
    return true;
  });
}
