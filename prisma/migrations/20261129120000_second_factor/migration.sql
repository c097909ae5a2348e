-- A second factor for console users (issue 12.3): TOTP (seed sealed under the master key),
-- passkeys (WebAuthn public keys), one-time recovery codes (SHA-256 only), the WebAuthn
-- challenges a ceremony is checked against (server-side, single use, short-lived), a small
-- settings table for the installation-wide policy, and on each session how it signed in and
-- when it passed its second step.

-- Sessions that existed before are password sessions of users who had no factor yet.
ALTER TABLE "Session"
  ADD COLUMN "method" TEXT NOT NULL DEFAULT 'password',
  ADD COLUMN "secondFactorAt" TIMESTAMPTZ(3);

CREATE TABLE "TotpFactor" (
  "userId"          UUID NOT NULL,
  "encryptedSecret" TEXT NOT NULL,
  "confirmedAt"     TIMESTAMPTZ(3),
  "lastUsedStep"    BIGINT,
  "createdAt"       TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "TotpFactor_pkey" PRIMARY KEY ("userId"),
  CONSTRAINT "TotpFactor_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "Passkey" (
  "id"           UUID NOT NULL DEFAULT gen_random_uuid(),
  "userId"       UUID NOT NULL,
  "credentialId" TEXT NOT NULL,
  "publicKey"    BYTEA NOT NULL,
  "counter"      BIGINT NOT NULL DEFAULT 0,
  "transports"   TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
  "name"         VARCHAR(64) NOT NULL,
  "rpId"         TEXT NOT NULL,
  "isBackedUp"   BOOLEAN NOT NULL DEFAULT false,
  "createdAt"    TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "lastUsedAt"   TIMESTAMPTZ(3),
  CONSTRAINT "Passkey_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "Passkey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "Passkey_credentialId_key" ON "Passkey"("credentialId");
CREATE INDEX "Passkey_userId_idx" ON "Passkey"("userId");

CREATE TABLE "RecoveryCode" (
  "id"        UUID NOT NULL DEFAULT gen_random_uuid(),
  "userId"    UUID NOT NULL,
  "codeHash"  CHAR(64) NOT NULL,
  "usedAt"    TIMESTAMPTZ(3),
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "RecoveryCode_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "RecoveryCode_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "RecoveryCode_userId_codeHash_key" ON "RecoveryCode"("userId", "codeHash");

-- One open ceremony per binding (a session, or the sign-in page's cookie) and purpose; a
-- new one replaces it, taking it deletes it.
CREATE TABLE "WebAuthnChallenge" (
  "binding"   TEXT NOT NULL,
  "purpose"   TEXT NOT NULL,
  "challenge" TEXT NOT NULL,
  "userId"    UUID,
  "expiresAt" TIMESTAMPTZ(3) NOT NULL,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "WebAuthnChallenge_pkey" PRIMARY KEY ("binding", "purpose")
);
CREATE INDEX "WebAuthnChallenge_expiresAt_idx" ON "WebAuthnChallenge"("expiresAt");

CREATE TABLE "Setting" (
  "key"         TEXT NOT NULL,
  "value"       JSONB NOT NULL,
  "updatedAt"   TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedById" UUID,
  CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);
