import { getDb } from "@/lib/db";
import { recordAudits } from "@/lib/domain/audit/events";
import { assertCanAdminister } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import { AppError } from "@/lib/domain/errors";
import { frontdoorFor } from "@/lib/domain/access/scope";
import { env } from "@/lib/env";
import { Prisma } from "@/lib/generated/prisma/client";
import { isRetentionMs, parseDurationMs, RETENTION_BOUNDS_MESSAGE } from "@/lib/validation/duration";

// Expired and revoked tokens (never redeemed ones only: a redeemed token is the history of
// a certificate) are deleted once they are older than the retention. Batches keep each
// transaction short; SKIP LOCKED lets two instances purge at once without waiting for or
// double-counting each other. Audit events stay: the log has no foreign keys. The secrets'
// hashes stay for the configured retention (PurgedToken), so the answer to a purged token is
// honest; a purge's own olderThan never shortens that.

const BATCH_SIZE = 500;

function purgeableSql(cutoff: Date, frontdoorId: string | null) {
  return Prisma.sql`
    "redeemedAt" IS NULL
    AND (("revokedAt" IS NOT NULL AND "revokedAt" < ${cutoff}) OR ("revokedAt" IS NULL AND "expiresAt" < ${cutoff}))
    ${frontdoorId ? Prisma.sql`AND "frontdoorId" = ${frontdoorId}::uuid` : Prisma.empty}`;
}

export type PurgeOptions = { frontdoorId?: string; retentionMs: number; now?: Date };

/** The cutoff for a retention inside the bounds every door's schema enforces (also for callers passing milliseconds). */
function cutoffOf(options: PurgeOptions): Date {
  if (!isRetentionMs(options.retentionMs)) throw new AppError("validation_failed", RETENTION_BOUNDS_MESSAGE);
  return new Date((options.now ?? new Date()).getTime() - options.retentionMs);
}

async function scope(principal: Principal, frontdoorId: string | undefined): Promise<string | null> {
  if (frontdoorId) return (await frontdoorFor(principal, frontdoorId, "operate")).id;
  assertCanAdminister(principal); // every Frontdoor at once: administrators and the system only
  return null;
}

/** How many tokens a purge would delete now. */
export async function countPurgeableTokens(principal: Principal, options: PurgeOptions): Promise<number> {
  const frontdoorId = await scope(principal, options.frontdoorId);
  const cutoff = cutoffOf(options);
  const [row] = await getDb().$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM "CertificateRequestToken" WHERE ${purgeableSql(cutoff, frontdoorId)}`;
  return Number(row?.n ?? 0);
}

/** Deletes expired and revoked tokens older than the retention; returns how many went. */
export async function purgeTokens(principal: Principal, options: PurgeOptions): Promise<{ deleted: number }> {
  const frontdoorId = await scope(principal, options.frontdoorId);
  const cutoff = cutoffOf(options);
  let deleted = 0;
  while (true) {
    // Each batch and its audit events commit together.
    const batch = await getDb().$transaction(async (tx) => {
      // The hashes go to PurgedToken in the same statement, so a later redemption of one can
      // say it expired and was removed (lib/domain/certificates/redeem.ts).
      const rows = await tx.$queryRaw<{ frontdoorId: string }[]>`
        WITH gone AS (
          DELETE FROM "CertificateRequestToken"
           WHERE id IN (
             SELECT id FROM "CertificateRequestToken"
              WHERE ${purgeableSql(cutoff, frontdoorId)}
              LIMIT ${BATCH_SIZE}
              FOR UPDATE SKIP LOCKED)
          RETURNING "frontdoorId", "secretHash", "revokedAt"),
        kept AS (
          INSERT INTO "PurgedToken" ("secretHash", "frontdoorId", "wasRevoked")
          SELECT "secretHash", "frontdoorId", "revokedAt" IS NOT NULL FROM gone
          ON CONFLICT ("secretHash") DO NOTHING)
        SELECT "frontdoorId"::text AS "frontdoorId" FROM gone`;
      const byFrontdoor = new Map<string, number>();
      for (const row of rows) byFrontdoor.set(row.frontdoorId, (byFrontdoor.get(row.frontdoorId) ?? 0) + 1);
      await recordAudits(
        tx,
        principal,
        [...byFrontdoor].map(([id, count]) => ({ action: "tokens.purged", frontdoorId: id, details: { deleted: count, olderThan: cutoff.toISOString() } })),
      );
      return rows.length;
    });
    deleted += batch;
    if (batch < BATCH_SIZE) break;
  }
  // Purged tokens' hashes are kept for the configured retention, then forgotten too.
  const forgetBefore = new Date((options.now ?? new Date()).getTime() - parseDurationMs(env.TOKEN_RETENTION)!);
  await getDb().$executeRaw`
    DELETE FROM "PurgedToken" WHERE "purgedAt" < ${forgetBefore} ${frontdoorId ? Prisma.sql`AND "frontdoorId" = ${frontdoorId}::uuid` : Prisma.empty}`;
  return { deleted };
}
