-- Hashes of purged tokens, kept for one more retention period: redeeming a token that
-- expired (or was revoked) and was then purged answers that it was removed, instead of
-- suggesting a typing mistake. Only the secret's hash, its Frontdoor, whether it had been
-- revoked and when it went; nothing that names or describes the token. Like
-- RedeemFailureWindow, no foreign key: the rows are short-lived and never joined.
CREATE TABLE "PurgedToken" (
  "secretHash"  CHAR(64) NOT NULL,
  "frontdoorId" UUID NOT NULL,
  "wasRevoked"  BOOLEAN NOT NULL,
  "purgedAt"    TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "PurgedToken_pkey" PRIMARY KEY ("secretHash")
);
CREATE INDEX "PurgedToken_purgedAt_idx" ON "PurgedToken"("purgedAt");
