-- Issuing CAs under an enterprise's own root (issue 22.3). `certdoor ca csr` makes a pending
-- issuing-CA key and its request, one per Frontdoor; `ca import` checks the certificate the
-- enterprise signed and makes it the Frontdoor's current CA, as a rotation does. Certdoor
-- holds no key of the enterprise's CAs, so they are not CertificateAuthority rows: the
-- imported CA keeps them as PEM, the chain ca.pem serves above it.

ALTER TABLE "CertificateAuthority" ADD COLUMN "externalChainPem" TEXT;

CREATE TABLE "PendingIssuingCa" (
    "id" UUID NOT NULL,
    "frontdoorId" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "csrPem" TEXT NOT NULL,
    "publicKeyDer" BYTEA NOT NULL,
    "encryptedPrivateKey" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PendingIssuingCa_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "PendingIssuingCa_frontdoorId_key" ON "PendingIssuingCa"("frontdoorId");
ALTER TABLE "PendingIssuingCa" ADD CONSTRAINT "PendingIssuingCa_frontdoorId_fkey"
  FOREIGN KEY ("frontdoorId") REFERENCES "Frontdoor"("id") ON DELETE CASCADE ON UPDATE CASCADE;
