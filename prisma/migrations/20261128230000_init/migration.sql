-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'operator', 'auditor');

-- CreateEnum
CREATE TYPE "CaKind" AS ENUM ('root', 'intermediate');

-- CreateEnum
CREATE TYPE "ActorKind" AS ENUM ('user', 'api_key', 'token', 'system', 'anonymous');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "name" TEXT,
    "passwordHash" TEXT,
    "role" "Role" NOT NULL,
    "disabledAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Frontdoor" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "tcpSharesEnabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Frontdoor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "userId" UUID NOT NULL,
    "frontdoorId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("userId","frontdoorId")
);

-- CreateTable
CREATE TABLE "CertificateAuthority" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" "CaKind" NOT NULL,
    "frontdoorId" UUID,
    "subject" TEXT NOT NULL,
    "serialNumber" TEXT NOT NULL,
    "certificatePem" TEXT NOT NULL,
    "encryptedPrivateKey" TEXT NOT NULL,
    "keyAlgorithm" TEXT NOT NULL,
    "notBefore" TIMESTAMPTZ(3) NOT NULL,
    "notAfter" TIMESTAMPTZ(3) NOT NULL,
    "crlNumber" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CertificateAuthority_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CertificateRequestToken" (
    "id" TEXT NOT NULL DEFAULT ('token-'::text || gen_random_uuid()),
    "frontdoorId" UUID NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "commonName" VARCHAR(64),
    "organization" VARCHAR(64),
    "organizationalUnit" VARCHAR(64),
    "secretHash" CHAR(64) NOT NULL,
    "secretHint" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "validDays" INTEGER NOT NULL DEFAULT 365,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" UUID,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "redeemedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "revokedById" UUID,
    "clientCertificateId" TEXT,

    CONSTRAINT "CertificateRequestToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClientCertificate" (
    "id" TEXT NOT NULL DEFAULT ('cert-'::text || gen_random_uuid()),
    "frontdoorId" UUID NOT NULL,
    "issuerId" UUID NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "commonName" TEXT NOT NULL,
    "organization" TEXT,
    "organizationalUnit" TEXT,
    "serialNumber" TEXT NOT NULL,
    "fingerprintSha256" CHAR(64) NOT NULL,
    "keyAlgorithm" TEXT NOT NULL,
    "notBefore" TIMESTAMPTZ(3) NOT NULL,
    "notAfter" TIMESTAMPTZ(3) NOT NULL,
    "certificatePem" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),
    "revokedById" UUID,
    "revocationReason" TEXT,

    CONSTRAINT "ClientCertificate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" VARCHAR(128) NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" CHAR(64) NOT NULL,
    "ownerId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorKind" "ActorKind" NOT NULL,
    "actorId" TEXT,
    "actorLabel" TEXT,
    "ip" TEXT,
    "userAgent" TEXT,
    "action" TEXT NOT NULL,
    "frontdoorId" UUID,
    "targetKind" TEXT,
    "targetId" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "prevHash" CHAR(64),
    "hash" CHAR(64) NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Frontdoor_name_key" ON "Frontdoor"("name");

-- CreateIndex
CREATE INDEX "Membership_frontdoorId_idx" ON "Membership"("frontdoorId");

-- CreateIndex
CREATE UNIQUE INDEX "CertificateAuthority_frontdoorId_key" ON "CertificateAuthority"("frontdoorId");

-- CreateIndex
CREATE UNIQUE INDEX "CertificateRequestToken_secretHash_key" ON "CertificateRequestToken"("secretHash");

-- CreateIndex
CREATE UNIQUE INDEX "CertificateRequestToken_clientCertificateId_key" ON "CertificateRequestToken"("clientCertificateId");

-- CreateIndex
CREATE INDEX "CertificateRequestToken_frontdoorId_createdAt_idx" ON "CertificateRequestToken"("frontdoorId", "createdAt");

-- CreateIndex
CREATE INDEX "CertificateRequestToken_frontdoorId_expiresAt_idx" ON "CertificateRequestToken"("frontdoorId", "expiresAt");

-- CreateIndex
CREATE INDEX "CertificateRequestToken_status_idx" ON "CertificateRequestToken"("frontdoorId", "redeemedAt", "revokedAt", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "ClientCertificate_serialNumber_key" ON "ClientCertificate"("serialNumber");

-- CreateIndex
CREATE UNIQUE INDEX "ClientCertificate_fingerprintSha256_key" ON "ClientCertificate"("fingerprintSha256");

-- CreateIndex
CREATE INDEX "ClientCertificate_frontdoorId_createdAt_idx" ON "ClientCertificate"("frontdoorId", "createdAt");

-- CreateIndex
CREATE INDEX "ClientCertificate_frontdoorId_notAfter_idx" ON "ClientCertificate"("frontdoorId", "notAfter");

-- CreateIndex
CREATE INDEX "ClientCertificate_frontdoorId_revokedAt_idx" ON "ClientCertificate"("frontdoorId", "revokedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");

-- CreateIndex
CREATE INDEX "ApiKey_ownerId_idx" ON "ApiKey"("ownerId");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_frontdoorId_at_idx" ON "AuditEvent"("frontdoorId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_targetKind_targetId_idx" ON "AuditEvent"("targetKind", "targetId");

-- CreateIndex
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_at_idx" ON "AuditEvent"("actorId", "at");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_frontdoorId_fkey" FOREIGN KEY ("frontdoorId") REFERENCES "Frontdoor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CertificateAuthority" ADD CONSTRAINT "CertificateAuthority_frontdoorId_fkey" FOREIGN KEY ("frontdoorId") REFERENCES "Frontdoor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CertificateRequestToken" ADD CONSTRAINT "CertificateRequestToken_frontdoorId_fkey" FOREIGN KEY ("frontdoorId") REFERENCES "Frontdoor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CertificateRequestToken" ADD CONSTRAINT "CertificateRequestToken_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CertificateRequestToken" ADD CONSTRAINT "CertificateRequestToken_revokedById_fkey" FOREIGN KEY ("revokedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CertificateRequestToken" ADD CONSTRAINT "CertificateRequestToken_clientCertificateId_fkey" FOREIGN KEY ("clientCertificateId") REFERENCES "ClientCertificate"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClientCertificate" ADD CONSTRAINT "ClientCertificate_frontdoorId_fkey" FOREIGN KEY ("frontdoorId") REFERENCES "Frontdoor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClientCertificate" ADD CONSTRAINT "ClientCertificate_issuerId_fkey" FOREIGN KEY ("issuerId") REFERENCES "CertificateAuthority"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClientCertificate" ADD CONSTRAINT "ClientCertificate_revokedById_fkey" FOREIGN KEY ("revokedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
