import { getDb } from "@/lib/db";
import { actorOf, AUDIT_COLUMNS } from "@/lib/domain/audit/events";
import { systemPrincipal } from "@/lib/domain/access/principal";

// certificate.expiring, 30 and 7 days before notAfter, each once per certificate: one
// statement marks the certificates it announces and writes their audit events (which the
// webhook trigger queues), so a notice is never marked without its event or the other way.
// Rows are claimed FOR UPDATE SKIP LOCKED, so instances running this at once share the work
// instead of announcing anything twice; no election needed. Revoked certificates and ones
// already renewed get no notice. A certificate that starts inside 7 days gets only the 7-day one.

const BATCH = 500;

/** Announces what has come within 30 or 7 days of expiry since the last round; returns how many. */
export async function sendExpiryNotices(now = new Date()): Promise<number> {
  const actor = actorOf(systemPrincipal("expiry-notices"));
  const [row] = await getDb().$queryRaw<{ n: number }[]>`
    WITH due AS (
      SELECT c."id" FROM "ClientCertificate" c
       WHERE c."revokedAt" IS NULL AND c."renewedAt" IS NULL AND c."expiringNotice7At" IS NULL
         AND c."notAfter" > ${now}::timestamptz AND c."notAfter" <= ${now}::timestamptz + interval '30 days'
         AND (c."expiringNotice30At" IS NULL OR c."notAfter" <= ${now}::timestamptz + interval '7 days')
       ORDER BY c."notAfter" LIMIT ${BATCH}
       FOR UPDATE SKIP LOCKED
    ),
    noticed AS (
      UPDATE "ClientCertificate" c
         SET "expiringNotice30At" = COALESCE(c."expiringNotice30At", ${now}::timestamptz),
             "expiringNotice7At" = CASE WHEN c."notAfter" <= ${now}::timestamptz + interval '7 days' THEN ${now}::timestamptz END
        FROM due WHERE c."id" = due."id"
      RETURNING c."id", c."frontdoorId", c."serialNumber", c."notAfter",
                CASE WHEN c."notAfter" <= ${now}::timestamptz + interval '7 days' THEN 7 ELSE 30 END AS "daysBefore"
    ),
    audit AS (
      INSERT INTO "AuditEvent" (${AUDIT_COLUMNS})
      SELECT ${now}::timestamptz, ${actor.actorKind}::"ActorKind", ${actor.actorId}, ${actor.actorLabel}, NULL, NULL,
             'certificate.expiring', n."frontdoorId", 'certificate', n."id",
             jsonb_build_object('daysBefore', n."daysBefore", 'serialNumber', n."serialNumber",
                                'notAfter', to_char(n."notAfter" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        FROM noticed n ORDER BY n."notAfter", n."id"
    )
    SELECT count(*)::int AS n FROM noticed`;
  return row?.n ?? 0;
}
