-- Subject alternative names (issue 20.1): a token pre-approves `{ dns, ip, uri, email }`
-- besides its subject, and the certificate stores the SANs it was issued with, so renewal
-- can keep exactly them and every view shows them without parsing the PEM. Existing rows
-- have none: every certificate issued so far carries no SubjectAltName extension.

ALTER TABLE "CertificateRequestToken" ADD COLUMN "subjectAltNames" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "ClientCertificate" ADD COLUMN "subjectAltNames" JSONB NOT NULL DEFAULT '{}';
