import { getDb } from "@/lib/db";
import { CA_IN_USE } from "@/lib/domain/ca/trust";
import { AppError } from "@/lib/domain/errors";
import { assertCanAdminister, assertCanReadFrontdoor } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import { uuidSchema } from "@/lib/validation/common";

// Every CA with where its key lives (`certdoor ca list`): what an operator checks after
// setting CA_KEY_STORE and rotating, to see which Frontdoors still sign with database keys.

export type CaListEntry = {
  id: string;
  kind: "root" | "intermediate";
  /** An issuing CA's Frontdoor; a root's is the Frontdoor its issuing CAs serve (null for the shared root of old installations). */
  frontdoorId: string | null;
  generation: number;
  subject: string;
  keyStore: string;
  /** current: signs new certificates (a root: signs a current issuing CA); in_use: retired, still answering for unexpired certificates; retired: neither. */
  status: "current" | "in_use" | "retired";
  notBefore: Date;
  notAfter: Date;
};

/** All CAs, or one Frontdoor's (its issuing CAs and their roots), newest first. */
export async function listCas(principal: Principal, frontdoorId?: string): Promise<CaListEntry[]> {
  if (frontdoorId !== undefined) {
    if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
    assertCanReadFrontdoor(principal, frontdoorId);
  } else {
    assertCanAdminister(principal);
  }
  const only = frontdoorId ?? null;
  return getDb().$queryRaw<CaListEntry[]>`
    SELECT c."id"::text AS "id", c."kind"::text AS "kind", c."generation", c."subject", c."keyStore", c."notBefore", c."notAfter",
           CASE WHEN c."kind" = 'intermediate' THEN c."frontdoorId"::text
                WHEN c."isSharedRoot" THEN NULL
                ELSE (SELECT min(i."frontdoorId"::text) FROM "CertificateAuthority" i WHERE i."parentId" = c."id") END AS "frontdoorId",
           CASE WHEN c."kind" = 'intermediate' THEN (CASE WHEN c."retiredAt" IS NULL THEN 'current' WHEN ${CA_IN_USE} THEN 'in_use' ELSE 'retired' END)
                WHEN EXISTS (SELECT 1 FROM "CertificateAuthority" i WHERE i."parentId" = c."id" AND i."retiredAt" IS NULL) THEN 'current'
                WHEN EXISTS (SELECT 1 FROM "CertificateAuthority" i JOIN "ClientCertificate" cc ON cc."issuerId" = i."id" WHERE i."parentId" = c."id" AND cc."notAfter" > now()) THEN 'in_use'
                ELSE 'retired' END AS "status"
      FROM "CertificateAuthority" c
     WHERE ${only}::uuid IS NULL
        OR c."frontdoorId" = ${only}::uuid
        OR c."id" IN (SELECT i."parentId" FROM "CertificateAuthority" i WHERE i."frontdoorId" = ${only}::uuid)
     ORDER BY c."createdAt" DESC, c."kind" DESC`;
}
