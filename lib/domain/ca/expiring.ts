import { getDb } from "@/lib/db";
import { actorOf, AUDIT_COLUMNS } from "@/lib/domain/audit/events";
import { systemPrincipal } from "@/lib/domain/access/principal";

// An issuing CA nearing its end. Leaves never outlive their CA (lib/pki/issue.ts cuts them
// to it), so in a CA's last months every new certificate is shorter than asked, and past its
// end the Frontdoor issues nothing. The remedy is a rotation (`certdoor ca rotate`), which
// takes minutes but needs gateways to fetch ca.pem again: hence a warning 90 days ahead, in
// three places: the audit event `ca.expiring` (which webhooks subscribe to, like
// certificate.expiring), the metric certdoor_issuing_ca_not_after_timestamp_seconds, and
// the Frontdoor's console page.

export const CA_EXPIRY_WARNING_DAYS = 90;
const DAY_MS = 86_400_000;

/** Whether an issuing CA is inside its warning period. */
export const isCaExpiringSoon = (notAfter: Date, now = new Date()) => notAfter.getTime() - now.getTime() <= CA_EXPIRY_WARNING_DAYS * DAY_MS;

/**
 * Announces `ca.expiring` once per current issuing CA that has come within 90 days of its
 * end; returns how many. One statement marks the CAs and writes their events (the webhook
 * trigger queues deliveries from those); an instance running it at the same time waits on
 * the row and then finds it marked, so nothing is announced twice.
 */
export async function sendCaExpiryNotices(now = new Date()): Promise<number> {
  const actor = actorOf(systemPrincipal("expiry-notices"));
  const [row] = await getDb().$queryRaw<{ n: number }[]>`
    WITH noticed AS (
      UPDATE "CertificateAuthority" c SET "expiringNoticeAt" = ${now}::timestamptz
       WHERE c."kind" = 'intermediate' AND c."retiredAt" IS NULL AND c."expiringNoticeAt" IS NULL
         AND c."notAfter" <= ${now}::timestamptz + make_interval(days => ${CA_EXPIRY_WARNING_DAYS}::int)
      RETURNING c."id", c."frontdoorId", c."generation", c."subject", c."notAfter"
    ),
    audit AS (
      INSERT INTO "AuditEvent" (${AUDIT_COLUMNS})
      SELECT ${now}::timestamptz, ${actor.actorKind}::"ActorKind", ${actor.actorId}, ${actor.actorLabel}, NULL, NULL,
             'ca.expiring', n."frontdoorId", 'ca', n."id"::text,
             jsonb_build_object('daysLeft', GREATEST(0, floor(extract(epoch from n."notAfter" - ${now}::timestamptz) / 86400))::int,
                                'generation', n."generation", 'subject', n."subject",
                                'notAfter', to_char(n."notAfter" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        FROM noticed n ORDER BY n."notAfter", n."id"
    )
    SELECT count(*)::int AS n FROM noticed`;
  return row?.n ?? 0;
}

/** Each Frontdoor's current issuing CA and its end (the metric reads it). */
export function currentCaEnds(): Promise<{ frontdoor: string; notAfter: Date }[]> {
  return getDb().$queryRaw`
    SELECT f."name" AS "frontdoor", c."notAfter" FROM "CertificateAuthority" c JOIN "Frontdoor" f ON f."id" = c."frontdoorId"
     WHERE c."kind" = 'intermediate' AND c."retiredAt" IS NULL`;
}
