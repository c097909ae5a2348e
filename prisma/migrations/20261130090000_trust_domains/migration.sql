-- Trust domains (issue 19.1): each Frontdoor gets a root of its own, so a gateway trusting
-- one Frontdoor's ca.pem admits no other Frontdoor's certificates. An issuing CA names the
-- root that signed it; the installation root every Frontdoor shared until now is marked, so
-- that a Frontdoor's next rotation moves it onto its own root. Existing rows stay as they
-- are: every existing issuing CA was signed by the one root there was.

ALTER TABLE "CertificateAuthority"
  ADD COLUMN "parentId" UUID,
  ADD COLUMN "isSharedRoot" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "expiringNoticeAt" TIMESTAMPTZ(3);

ALTER TABLE "CertificateAuthority" ADD CONSTRAINT "CertificateAuthority_parentId_fkey"
  FOREIGN KEY ("parentId") REFERENCES "CertificateAuthority"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX "CertificateAuthority_parentId_idx" ON "CertificateAuthority"("parentId");

UPDATE "CertificateAuthority" SET "isSharedRoot" = true WHERE "kind" = 'root';
UPDATE "CertificateAuthority"
   SET "parentId" = (SELECT r."id" FROM "CertificateAuthority" r WHERE r."kind" = 'root' ORDER BY r."createdAt" LIMIT 1)
 WHERE "kind" = 'intermediate';
