-- Issue 22: a CA's key may live outside the database (a PKCS#11 token). The row then holds
-- only a reference; exactly one of the two columns is set, as the store says.
ALTER TABLE "CertificateAuthority" ADD COLUMN "keyStore" TEXT NOT NULL DEFAULT 'database';
ALTER TABLE "CertificateAuthority" ADD COLUMN "keyReference" TEXT;
ALTER TABLE "CertificateAuthority" ALTER COLUMN "encryptedPrivateKey" DROP NOT NULL;
ALTER TABLE "CertificateAuthority" ADD CONSTRAINT "CertificateAuthority_key_store_check" CHECK (
  ("keyStore" = 'database' AND "encryptedPrivateKey" IS NOT NULL AND "keyReference" IS NULL)
  OR ("keyStore" <> 'database' AND "encryptedPrivateKey" IS NULL AND "keyReference" IS NOT NULL)
);
