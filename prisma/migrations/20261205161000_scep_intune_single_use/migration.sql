-- Intune SCEP single use keyed on the challenge, not on the client-chosen transactionId
-- (review of issue 23): the same challenge sent again under a new transactionId, or to another
-- Frontdoor with the same tenant, was issued again. A row now holds the SHA-256 (hex) of the
-- request's challengePassword, unique across all Frontdoors; transactionId stays for the
-- notifications to Intune and the audit trail.
--
-- Rows written before this migration did not keep their challenge: each gets a hash no
-- challenge has (of "legacy:" and its id), so they stay valid rows; the challenges they were
-- issued for are guarded by Intune's own expiry only.

ALTER TABLE "IntuneScepTransaction" ADD COLUMN "challengeHash" CHAR(64);
UPDATE "IntuneScepTransaction" SET "challengeHash" = encode(sha256(convert_to('legacy:' || "id"::text, 'UTF8')), 'hex');
ALTER TABLE "IntuneScepTransaction" ALTER COLUMN "challengeHash" SET NOT NULL;

DROP INDEX "IntuneScepTransaction_frontdoorId_transactionId_key";
CREATE UNIQUE INDEX "IntuneScepTransaction_challengeHash_key" ON "IntuneScepTransaction"("challengeHash");
CREATE INDEX "IntuneScepTransaction_frontdoorId_idx" ON "IntuneScepTransaction"("frontdoorId");
