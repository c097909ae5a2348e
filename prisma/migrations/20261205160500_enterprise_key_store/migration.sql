-- Issue 22: a Frontdoor's pending issuing CA (`certdoor ca csr`) makes its key in the
-- configured key store, as every CA does, so that with a PKCS#11 token the key is generated
-- there and the imported CA keeps it. The row then holds the same columns as
-- CertificateAuthority: the store, and exactly one of the sealed key and the reference.
ALTER TABLE "PendingIssuingCa" ADD COLUMN "keyStore" TEXT NOT NULL DEFAULT 'database';
ALTER TABLE "PendingIssuingCa" ADD COLUMN "keyReference" TEXT;
ALTER TABLE "PendingIssuingCa" ALTER COLUMN "encryptedPrivateKey" DROP NOT NULL;
ALTER TABLE "PendingIssuingCa" ADD CONSTRAINT "PendingIssuingCa_key_store_check" CHECK (
  ("keyStore" = 'database' AND "encryptedPrivateKey" IS NOT NULL AND "keyReference" IS NULL)
  OR ("keyStore" <> 'database' AND "encryptedPrivateKey" IS NULL AND "keyReference" IS NOT NULL)
);
