-- Two-person approval (issue 21): a Frontdoor may require 1–5 approvals by people other than
-- a token's creator before the token can be redeemed. The requirement is copied onto each
-- token when it is created, so changing the policy never changes what a token needed (a
-- token made without approval stays redeemable; a pending one still needs what it was told).
-- A token's status stays derived from its columns: "rejectedAt" set is rejected for good;
-- "approvalsRequired" > 0 with "approvedAt" unset is pending_approval.

ALTER TABLE "Frontdoor"
  ADD COLUMN "approvalsRequired" INTEGER NOT NULL DEFAULT 0,
  ADD CONSTRAINT "Frontdoor_approvalsRequired_range" CHECK ("approvalsRequired" BETWEEN 0 AND 5);

-- "batchId": the tokens one batch made (until now only in their audit events), so an approver
-- can answer a batch at once.
ALTER TABLE "CertificateRequestToken"
  ADD COLUMN "batchId" UUID,
  ADD COLUMN "approvalsRequired" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "approvalCount" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "approvedAt" TIMESTAMPTZ(3),
  ADD COLUMN "rejectedAt" TIMESTAMPTZ(3);

-- The Approvals page lists pending tokens across Frontdoors, oldest first.
CREATE INDEX "CertificateRequestToken_pending_idx" ON "CertificateRequestToken" ("createdAt")
  WHERE "approvalsRequired" > 0 AND "approvedAt" IS NULL AND "rejectedAt" IS NULL AND "redeemedAt" IS NULL AND "revokedAt" IS NULL;

-- One answer per person per token (the database says so, whatever races above it). The
-- answerer's email is kept beside the id so the history survives the user's deletion.
CREATE TABLE "TokenApproval" (
  "id"         UUID NOT NULL DEFAULT gen_random_uuid(),
  "tokenId"    TEXT NOT NULL,
  "userId"     UUID,
  "userEmail"  TEXT NOT NULL,
  "decision"   TEXT NOT NULL,
  "comment"    VARCHAR(1000),
  "createdAt"  TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "TokenApproval_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "TokenApproval_decision_check" CHECK ("decision" IN ('approve', 'reject')),
  CONSTRAINT "TokenApproval_tokenId_fkey" FOREIGN KEY ("tokenId") REFERENCES "CertificateRequestToken"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT "TokenApproval_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "TokenApproval_tokenId_userId_key" ON "TokenApproval" ("tokenId", "userId");

-- Approvers are emailed by a job, never inline: a batch of 1,000 pending tokens must become one
-- message per approver, and a mail server that is down must not slow creation. Every
-- token.approval_requested event queues (in the same transaction) one job per Frontdoor under
-- a job key, keeping the first run time, so a burst of requests in those seconds becomes one
-- job; the job claims the Frontdoor's pending tokens not yet announced ("approvalNotifiedAt")
-- and mails each approver once about all of them (lib/domain/tokens/approval-notices.ts).
ALTER TABLE "CertificateRequestToken" ADD COLUMN "approvalNotifiedAt" TIMESTAMPTZ(3);

CREATE FUNCTION certdoor_approval_notice_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM inserted WHERE "action" = 'token.approval_requested') THEN
    PERFORM graphile_worker.add_jobs(ARRAY(
      SELECT ROW('approvals.notify', json_build_object('frontdoorId', s.f), NULL, now() + interval '5 seconds', 5, 'approvals.notify:' || s.f, NULL, NULL)::graphile_worker.job_spec
        FROM (SELECT DISTINCT "frontdoorId"::text AS f FROM inserted WHERE "action" = 'token.approval_requested' AND "frontdoorId" IS NOT NULL) AS s), true);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "AuditEvent_approval_notices" AFTER INSERT ON "AuditEvent"
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION certdoor_approval_notice_enqueue();

-- The status index answers the dashboard's counts and the status filters from the index
-- alone; the new columns the status rule reads ride along (INCLUDE) so it still does.
DROP INDEX "CertificateRequestToken_status_idx";
CREATE INDEX "CertificateRequestToken_status_idx" ON "CertificateRequestToken" ("frontdoorId", "redeemedAt", "revokedAt", "expiresAt")
  INCLUDE ("rejectedAt", "approvalsRequired", "approvedAt");
