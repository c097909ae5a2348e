-- Webhooks: endpoints per Frontdoor, their delivery attempts, expiry notices on certificates,
-- and the trigger that queues deliveries in the transaction of the change they announce.

CREATE TABLE "Webhook" (
    "id" TEXT NOT NULL DEFAULT ('wh-'::text || gen_random_uuid()),
    "frontdoorId" UUID NOT NULL,
    "url" VARCHAR(2048) NOT NULL,
    "description" VARCHAR(256),
    "events" TEXT[],
    "encryptedSecret" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "failingSince" TIMESTAMPTZ(3),
    "disabledAt" TIMESTAMPTZ(3),
    "disabledReason" TEXT,
    CONSTRAINT "Webhook_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Webhook_frontdoorId_fkey" FOREIGN KEY ("frontdoorId") REFERENCES "Frontdoor"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "Webhook_frontdoorId_idx" ON "Webhook"("frontdoorId");

CREATE TABLE "WebhookDelivery" (
    "id" BIGSERIAL NOT NULL,
    "webhookId" TEXT NOT NULL,
    "eventId" BIGINT NOT NULL,
    "type" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "statusCode" INTEGER,
    "latencyMs" INTEGER NOT NULL,
    "responseSnippet" VARCHAR(500),
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "WebhookDelivery_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "Webhook"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "WebhookDelivery_webhookId_createdAt_idx" ON "WebhookDelivery"("webhookId", "createdAt" DESC);
CREATE INDEX "WebhookDelivery_createdAt_idx" ON "WebhookDelivery"("createdAt");

-- certificate.expiring is announced 30 and 7 days before notAfter, each once: the notice
-- sets its column in the statement that writes its audit event. The partial index holds
-- only certificates that may still need a notice.
ALTER TABLE "ClientCertificate" ADD COLUMN "expiringNotice30At" TIMESTAMPTZ(3), ADD COLUMN "expiringNotice7At" TIMESTAMPTZ(3);
CREATE INDEX "ClientCertificate_expiring_idx" ON "ClientCertificate"("notAfter")
  WHERE "revokedAt" IS NULL AND "renewedAt" IS NULL AND "expiringNotice7At" IS NULL;

-- Every change already writes its AuditEvent in its own transaction (often in the same
-- single statement), so a trigger there queues the deliveries with it: a rolled-back change
-- queues nothing, and the hot paths gain no round trip. Statement-level with a transition
-- table, so a batch of 1,000 tokens costs one lookup, not 1,000. Audit actions are named
-- like the event types they announce (lib/validation/webhooks.ts), except the console's test
-- event, which goes to its one endpoint only. The job carries ids only; the worker reads
-- the event and builds the body, so nothing secret is copied into the queue.
-- graphile_worker is referenced only past the EXISTS-like check (PL/pgSQL plans statements
-- when first reached), so Frontdoors without webhooks never touch it, and the schema that
-- lib/db/migrate.ts installs after these migrations is there before any webhook exists.
-- 14 attempts: graphile-worker waits exp(min(attempt, 10)) s after each failure, so the
-- 14th runs ~28 h after the first (the 13th at ~22 h): retries span 24 hours
-- (WEBHOOK_MAX_ATTEMPTS in lib/domain/webhooks/schedule.ts; a test compares the two).
CREATE FUNCTION certdoor_webhook_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  payloads json;
BEGIN
  SELECT json_agg(json_build_object('webhookId', w."id", 'eventId', e."id"::text) ORDER BY e."id", w."id")
    INTO payloads
    FROM inserted e
    JOIN "Webhook" w ON w."frontdoorId" = e."frontdoorId" AND w."disabledAt" IS NULL
   WHERE e."action" = ANY (w."events")
      OR (e."action" = 'webhook.test_sent' AND e."targetId" = w."id");
  IF payloads IS NOT NULL THEN
    PERFORM graphile_worker.add_jobs(ARRAY(
      SELECT ROW('webhook.deliver', p.payload, NULL, NULL, 14, NULL, NULL, NULL)::graphile_worker.job_spec
        FROM json_array_elements(payloads) AS p(payload)));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "AuditEvent_webhooks" AFTER INSERT ON "AuditEvent"
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION certdoor_webhook_enqueue();
