-- CA key rotation (issue 13.5): a Frontdoor may have several issuing CAs over time. Exactly
-- one is current (retiredAt IS NULL) and signs new certificates; a retired one keeps signing
-- its CRL and OCSP answers while a certificate it issued is unexpired. Each CA of a Frontdoor
-- has a generation (1 = the one it was created with); existing CAs are generation 1 and
-- current, and every existing certificate already names its issuer in "issuerId".

ALTER TABLE "CertificateAuthority"
  ADD COLUMN "generation" INTEGER NOT NULL DEFAULT 1,
  ADD COLUMN "retiredAt" TIMESTAMPTZ(3);

-- One Frontdoor, many CAs: the one-CA unique index goes; a generation is unique per
-- Frontdoor (the root has none and is unaffected: NULLs are distinct) ...
DROP INDEX "CertificateAuthority_frontdoorId_key";
CREATE UNIQUE INDEX "CertificateAuthority_frontdoorId_generation_key" ON "CertificateAuthority"("frontdoorId", "generation");
-- ... and at most one current CA per Frontdoor, whatever a racing writer does. (Partial: kept
-- here, not in schema.prisma, which cannot say WHERE.)
CREATE UNIQUE INDEX "CertificateAuthority_current_key" ON "CertificateAuthority"("frontdoorId") WHERE "retiredAt" IS NULL AND "frontdoorId" IS NOT NULL;

-- "Does this CA still have a live certificate?" (ca.pem, the CRL schedule, OCSP) and the
-- CRL's "revoked certificates of this CA" read by issuer.
CREATE INDEX "ClientCertificate_issuerId_notAfter_idx" ON "ClientCertificate"("issuerId", "notAfter");
