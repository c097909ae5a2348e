-- Code-review hardening: OIDC account binding, who made an API key, stored CRLs, a keyed
-- and sealed append-only audit chain, bounded auditing of failed redemptions, and the
-- shared rate-limit store.

-- OIDC: a user is bound to one provider account (issuer + subject) after the first sign-in.
ALTER TABLE "User" ADD COLUMN "oidcIssuer" TEXT, ADD COLUMN "oidcSubject" TEXT;
CREATE UNIQUE INDEX "User_oidcIssuer_oidcSubject_key" ON "User"("oidcIssuer", "oidcSubject");

-- API keys record who made them.
ALTER TABLE "ApiKey" ADD COLUMN "createdById" UUID;
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The current CRL of each CA, signed on revocation and by the schedule, served as stored.
ALTER TABLE "CertificateAuthority" ADD COLUMN "crlDer" BYTEA, ADD COLUMN "crlThisUpdate" TIMESTAMPTZ(3), ADD COLUMN "crlNextUpdate" TIMESTAMPTZ(3);

-- Audit chain: events are sealed (seq, prevHash, hash) after they commit. Events written
-- before this migration drop their plain SHA-256 chain values and are sealed again, in id
-- order, with the keyed hash, like any event not yet sealed.
ALTER TABLE "AuditEvent" ADD COLUMN "seq" BIGINT, ADD COLUMN "sealedAt" TIMESTAMPTZ(3);
ALTER TABLE "AuditEvent" ALTER COLUMN "hash" DROP NOT NULL;
UPDATE "AuditEvent" SET "prevHash" = NULL, "hash" = NULL;
CREATE UNIQUE INDEX "AuditEvent_seq_key" ON "AuditEvent"("seq");
CREATE INDEX "AuditEvent_unsealed_idx" ON "AuditEvent"("id") WHERE "seq" IS NULL;

-- Append-only, enforced by the database: no DELETE, no TRUNCATE, and an UPDATE only where
-- the sealer fills an unsealed event's chain columns and nothing else changes.
CREATE FUNCTION certdoor_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD."seq" IS NULL AND NEW."seq" IS NOT NULL AND NEW."hash" IS NOT NULL
     AND (NEW."id", NEW."at", NEW."actorKind", NEW."actorId", NEW."actorLabel", NEW."ip", NEW."userAgent",
          NEW."action", NEW."frontdoorId", NEW."targetKind", NEW."targetId", NEW."details")
         IS NOT DISTINCT FROM
         (OLD."id", OLD."at", OLD."actorKind", OLD."actorId", OLD."actorLabel", OLD."ip", OLD."userAgent",
          OLD."action", OLD."frontdoorId", OLD."targetKind", OLD."targetId", OLD."details")
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only: % of a sealed or existing event is refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION certdoor_audit_append_only();
CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION certdoor_audit_append_only();

-- Failed redemption attempts waiting to be audited as one event per minute.
CREATE TABLE "RedeemFailureWindow" (
    "subject" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "frontdoorId" UUID NOT NULL,
    "tokenId" TEXT,
    "actorLabel" TEXT,
    "userAgent" TEXT,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    "pending" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "RedeemFailureWindow_pkey" PRIMARY KEY ("subject", "code", "ip")
);
CREATE INDEX "RedeemFailureWindow_windowStart_idx" ON "RedeemFailureWindow"("windowStart");

-- rate-limiter-flexible's PostgreSQL store (its own schema), shared by every instance.
-- UNLOGGED: counters need no crash safety, and skipping the WAL keeps them cheap.
CREATE UNLOGGED TABLE "RateLimit" (
    "key" VARCHAR(255) PRIMARY KEY,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT
);
