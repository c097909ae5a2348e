-- Certificate profiles and name policies (issue 20 items 2 and 3): each Frontdoor says what
-- its certificates look like (extended key usages, key types, longest life, whether a CSR's
-- SANs and wildcards are taken) and which names may enter them. The defaults are the contract's
-- and today's behaviour: clientAuth only, every accepted key type, 825 days, no CSR SANs, no
-- wildcards, and an empty policy that allows every name. Existing Frontdoors get them too.

ALTER TABLE "Frontdoor"
  ADD COLUMN "profile" JSONB NOT NULL DEFAULT '{"extendedKeyUsage": ["clientAuth"], "keyTypes": ["EC-P256", "EC-P384", "RSA-2048", "RSA-3072", "RSA-4096"], "maxValidDays": 825, "allowCsrSubjectAltNames": false, "allowWildcards": false}',
  ADD COLUMN "namePolicy" JSONB NOT NULL DEFAULT '{}';
