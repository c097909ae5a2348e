-- Microsoft Intune for SCEP (issue 23 item 4): per-Frontdoor settings of the Entra ID app that
-- calls Intune's SCEP validation service (the client secret sealed under the master key), and
-- the transactions Intune validated, so that each transactionId is issued for at most once.

CREATE TABLE "FrontdoorIntune" (
    "frontdoorId" UUID NOT NULL,
    "tenantId" VARCHAR(253) NOT NULL,
    "clientId" VARCHAR(64) NOT NULL,
    "sealedClientSecret" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FrontdoorIntune_pkey" PRIMARY KEY ("frontdoorId"),
    CONSTRAINT "FrontdoorIntune_frontdoorId_fkey" FOREIGN KEY ("frontdoorId") REFERENCES "Frontdoor"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "IntuneScepTransaction" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "frontdoorId" UUID NOT NULL,
    "transactionId" VARCHAR(128) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "issuedAt" TIMESTAMPTZ(3),
    "certificateId" TEXT,

    CONSTRAINT "IntuneScepTransaction_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "IntuneScepTransaction_frontdoorId_fkey" FOREIGN KEY ("frontdoorId") REFERENCES "Frontdoor"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE UNIQUE INDEX "IntuneScepTransaction_certificateId_key" ON "IntuneScepTransaction"("certificateId");
CREATE UNIQUE INDEX "IntuneScepTransaction_frontdoorId_transactionId_key" ON "IntuneScepTransaction"("frontdoorId", "transactionId");
