-- Renewal: a certificate renewed once, by a new one that records it; a per-Frontdoor window.
ALTER TABLE "Frontdoor" ADD COLUMN "renewalWindowDays" INTEGER NOT NULL DEFAULT 30;
ALTER TABLE "ClientCertificate" ADD COLUMN "renewedAt" TIMESTAMPTZ(3), ADD COLUMN "renewedFromId" TEXT;
CREATE UNIQUE INDEX "ClientCertificate_renewedFromId_key" ON "ClientCertificate"("renewedFromId");
ALTER TABLE "ClientCertificate" ADD CONSTRAINT "ClientCertificate_renewedFromId_fkey" FOREIGN KEY ("renewedFromId") REFERENCES "ClientCertificate"("id") ON DELETE SET NULL ON UPDATE CASCADE;
