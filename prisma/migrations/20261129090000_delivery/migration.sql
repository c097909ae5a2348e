-- Delivery: a token may name who receives its link (emailed at creation and rotation when
-- SMTP is configured). The address is kept either way, so the console can say who it is for.
ALTER TABLE "CertificateRequestToken" ADD COLUMN "recipientEmail" VARCHAR(254);
