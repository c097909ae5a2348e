-- Console sessions on the server: the session cookie (a JWT) names one of these rows, so a
-- session can end before its cookie does: idle for too long, older than the absolute
-- lifetime, signed out everywhere, or replaced by a password change.
CREATE TABLE "Session" (
  "id"         UUID NOT NULL DEFAULT gen_random_uuid(),
  "userId"     UUID NOT NULL,
  "createdAt"  TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "endedAt"    TIMESTAMPTZ(3),
  "endReason"  TEXT,
  "ip"         TEXT,
  "userAgent"  TEXT,
  CONSTRAINT "Session_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "Session_userId_endedAt_idx" ON "Session"("userId", "endedAt");
CREATE INDEX "Session_lastSeenAt_idx" ON "Session"("lastSeenAt");
