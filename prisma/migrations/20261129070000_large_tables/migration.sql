-- Large tables (a million tokens and audit events): indexes chosen with EXPLAIN (ANALYZE)
-- on bench/large-tables.ts's data.

-- Search by name, common name, organization or unit (ILIKE '%q%'): trigram indexes, which
-- the planner combines with a BitmapOr. pg_trgm is a trusted extension: the database
-- owner may create it, also on managed PostgreSQL.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "CertificateRequestToken_name_trgm_idx" ON "CertificateRequestToken" USING gin ("name" gin_trgm_ops);
CREATE INDEX "CertificateRequestToken_commonName_trgm_idx" ON "CertificateRequestToken" USING gin ("commonName" gin_trgm_ops);
CREATE INDEX "CertificateRequestToken_organization_trgm_idx" ON "CertificateRequestToken" USING gin ("organization" gin_trgm_ops);
CREATE INDEX "CertificateRequestToken_organizationalUnit_trgm_idx" ON "CertificateRequestToken" USING gin ("organizationalUnit" gin_trgm_ops);

-- The purge's search for expired and revoked tokens never redeemed, by expiry.
CREATE INDEX "CertificateRequestToken_purge_idx" ON "CertificateRequestToken" ("expiresAt") WHERE "redeemedAt" IS NULL;

-- A Frontdoor's tokens newest first with the id tie-breaker the list sorts by: the page is
-- read in index order without a sort (the narrower (frontdoorId, createdAt) index needed
-- an incremental sort, which made the planner prefer scanning other Frontdoors' rows).
CREATE INDEX "CertificateRequestToken_frontdoorId_createdAt_id_idx" ON "CertificateRequestToken" ("frontdoorId", "createdAt" DESC, "id" DESC);
DROP INDEX "CertificateRequestToken_frontdoorId_createdAt_idx";

-- Dashboard counts per Frontdoor, computed by the schedule about once a minute, so that a
-- dashboard over a million tokens reads a few rows instead of counting them.
CREATE TABLE "DashboardSnapshot" (
    "frontdoorId" UUID NOT NULL,
    "stats" JSONB NOT NULL,
    "tokenCount" INTEGER NOT NULL,
    "computedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "DashboardSnapshot_pkey" PRIMARY KEY ("frontdoorId"),
    CONSTRAINT "DashboardSnapshot_frontdoorId_fkey" FOREIGN KEY ("frontdoorId") REFERENCES "Frontdoor"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
