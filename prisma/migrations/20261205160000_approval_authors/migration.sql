-- Approvals, second review (issue 21): the people who may not approve a token are everyone who
-- decided what its certificate says, not only its creator. "authorIds": the creator, the maker
-- of an API key it was created or changed with (when not the key's owner), and everyone who
-- changed what the certificate says since; an answer by any of them is approval_not_allowed.
-- "contentVersion" counts those changes, so an answer given to what an approver saw is
-- refused (conflict) once the token says something else.
ALTER TABLE "CertificateRequestToken"
  ADD COLUMN "authorIds" UUID[] NOT NULL DEFAULT '{}',
  ADD COLUMN "contentVersion" INTEGER NOT NULL DEFAULT 1;
UPDATE "CertificateRequestToken" SET "authorIds" = ARRAY["createdById"] WHERE "createdById" IS NOT NULL;

-- Approval notices are retried like webhook deliveries (14 attempts over a day, graphile's
-- backoff), so a mail server that is down for hours still gets them out.
CREATE OR REPLACE FUNCTION certdoor_approval_notice_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM inserted WHERE "action" = 'token.approval_requested') THEN
    PERFORM graphile_worker.add_jobs(ARRAY(
      SELECT ROW('approvals.notify', json_build_object('frontdoorId', s.f), NULL, now() + interval '5 seconds', 14, 'approvals.notify:' || s.f, NULL, NULL)::graphile_worker.job_spec
        FROM (SELECT DISTINCT "frontdoorId"::text AS f FROM inserted WHERE "action" = 'token.approval_requested' AND "frontdoorId" IS NOT NULL) AS s), true);
  END IF;
  RETURN NULL;
END $$;
