-- SCEP (issue 23): each issuing CA gets, on first need, an RSA RA certificate that SCEP
-- clients encrypt their requests to and that signs the answers. Keyed by the CA, so a CA
-- rotation makes a new one; two instances creating it at once agree through the key.

CREATE TABLE "ScepRaCertificate" (
    "caId" UUID NOT NULL,
    "certificatePem" TEXT NOT NULL,
    "encryptedPrivateKey" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ScepRaCertificate_pkey" PRIMARY KEY ("caId")
);

ALTER TABLE "ScepRaCertificate" ADD CONSTRAINT "ScepRaCertificate_caId_fkey" FOREIGN KEY ("caId") REFERENCES "CertificateAuthority"("id") ON DELETE CASCADE ON UPDATE CASCADE;
