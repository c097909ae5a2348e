import { getDb } from "@/lib/db";
import { canReadEverything } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import { frontdoorFor } from "@/lib/domain/access/scope";
import { TOKEN_STATUSES, type TokenStatus } from "@/lib/domain/tokens/status";
import { statusSql } from "@/lib/domain/tokens/status-sql";
import { Prisma } from "@/lib/generated/prisma/client";

// The numbers on the dashboard, for one Frontdoor or for every Frontdoor the caller sees.

export type DashboardStats = {
  tokens: { active: number; redeemed: number; expiringSoon: number; expired: number; revoked: number; pending_approval: number; rejected: number };
  certificatesExpiringSoon: number;
  /** Certificates renewed (by their holder, `certdoor renew`) in the last 30 days. */
  certificatesRenewed: number;
  /** The last 30 days, oldest first, UTC dates. */
  perDay: { date: string; created: number; redeemed: number }[];
};

const DAY = 86_400_000;

async function scopeIds(principal: Principal, frontdoorId: string | undefined): Promise<string[] | null> {
  if (frontdoorId) return [(await frontdoorFor(principal, frontdoorId, "read")).id];
  return canReadEverything(principal) || principal.kind === "system" ? null : [...principal.frontdoorIds];
}

/**
 * Large Frontdoors are shown from their snapshot (the schedule recounts each about once a
 * minute: `refreshDashboardSnapshots`), so a dashboard over a million tokens reads a few
 * rows instead of counting them on every refresh; their numbers are at most a few minutes
 * old. Frontdoors with fewer than LIVE_COUNT_LIMIT tokens are counted live, so a small
 * installation always sees its newest token at once.
 */
export const LIVE_COUNT_LIMIT = 20_000;
const SNAPSHOT_MAX_AGE_MS = 5 * 60_000;

/** A snapshot that may stand in for counting: recent, and of a large Frontdoor. */
const usableSnapshot = () => ({ computedAt: { gt: new Date(Date.now() - SNAPSHOT_MAX_AGE_MS) }, tokenCount: { gte: LIVE_COUNT_LIMIT } });

/** Token counts by status, certificates expiring within 30 days, and 30 days of activity. */
export async function dashboardStats(principal: Principal, frontdoorId?: string): Promise<DashboardStats> {
  const scoped = await scopeIds(principal, frontdoorId);
  const ids = scoped ?? (await getDb().frontdoor.findMany({ select: { id: true } })).map((f) => f.id);
  const snapshots = await getDb().dashboardSnapshot.findMany({
    where: { frontdoorId: { in: ids }, ...usableSnapshot() },
    select: { frontdoorId: true, stats: true },
  });
  const fromSnapshots = new Set(snapshots.map((s) => s.frontdoorId));
  const live = ids.filter((id) => !fromSnapshots.has(id));
  const parts = snapshots.map((s) => reviveStats(s.stats));
  if (live.length > 0 || parts.length === 0) parts.push(await computeStats(live));
  return sumStats(parts);
}

/** Recounts every Frontdoor large enough to be shown from a snapshot (the schedule, once a minute, one instance). */
export async function refreshDashboardSnapshots(): Promise<number> {
  // One instance at a time: the others skip the round while this transaction holds the lock.
  return getDb().$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${SNAPSHOT_LOCK_KEY}) AS locked`;
      return lock?.locked ? recount() : 0;
    },
    { timeout: 10 * 60_000 },
  );
}

const SNAPSHOT_LOCK_KEY = 7_734_224;

async function recount(): Promise<number> {
  const db = getDb();
  const frontdoors = await db.$queryRaw<{ id: string; n: bigint }[]>`
    SELECT f."id"::text AS id, count(t."id") AS n FROM "Frontdoor" f LEFT JOIN "CertificateRequestToken" t ON t."frontdoorId" = f."id" GROUP BY f."id"`;
  let refreshed = 0;
  for (const { id, n } of frontdoors) {
    if (Number(n) < LIVE_COUNT_LIMIT) continue;
    const stats = await computeStats([id]);
    const data = { stats: stats as unknown as Prisma.InputJsonValue, tokenCount: Number(n), computedAt: new Date() };
    await db.dashboardSnapshot.upsert({ where: { frontdoorId: id }, create: { frontdoorId: id, ...data }, update: data });
    refreshed += 1;
  }
  return refreshed;
}

/** A stored snapshot; ones written before a number existed count it as 0 until the next recount. */
/** A stored snapshot as today's stats (snapshots from before a count existed have none: 0). */
const reviveStats = (json: unknown): DashboardStats => {
  const stats = json as Omit<DashboardStats, "certificatesRenewed" | "tokens"> & { certificatesRenewed?: number; tokens: Partial<DashboardStats["tokens"]> };
  return { ...stats, tokens: { active: 0, redeemed: 0, expiringSoon: 0, expired: 0, revoked: 0, pending_approval: 0, rejected: 0, ...stats.tokens }, certificatesRenewed: stats.certificatesRenewed ?? 0 };
};

/**
 * A large Frontdoor's token total (of one status, or all) from its snapshot, or null when
 * it has no fresh one (small Frontdoors are counted live). Lists use it for their page
 * total, which is then at most a few minutes old; the rows themselves are always live.
 */
export async function snapshotTokenTotal(frontdoorId: string, status?: TokenStatus): Promise<number | null> {
  const snapshot = await getDb().dashboardSnapshot.findFirst({
    where: { frontdoorId, ...usableSnapshot() },
    select: { stats: true },
  });
  if (!snapshot) return null;
  const { tokens } = reviveStats(snapshot.stats);
  return status ? tokens[status] : TOKEN_STATUSES.reduce((sum, s) => sum + tokens[s], 0);
}

function sumStats(parts: DashboardStats[]): DashboardStats {
  const [first, ...rest] = parts;
  const total: DashboardStats = structuredClone(first!);
  for (const part of rest) {
    for (const key of Object.keys(total.tokens) as (keyof DashboardStats["tokens"])[]) total.tokens[key] += part.tokens[key];
    total.certificatesExpiringSoon += part.certificatesExpiringSoon;
    total.certificatesRenewed += part.certificatesRenewed;
    part.perDay.forEach((day, i) => {
      const into = total.perDay[i];
      if (into && into.date === day.date) {
        into.created += day.created;
        into.redeemed += day.redeemed;
      }
    });
  }
  return total;
}

async function computeStats(ids: string[]): Promise<DashboardStats> {
  const now = new Date();
  const soon = new Date(now.getTime() + DAY);
  const db = getDb();
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 29 * DAY);
  const scopeSql = Prisma.sql`AND "frontdoorId" = ANY(${ids}::uuid[])`;
  // One pass over the status index (an index-only scan) for every token count, with the
  // status rule's own SQL form.
  const [[counts], [certificates], created, redemptions] = await Promise.all([
    db.$queryRaw<{ active: bigint; redeemed: bigint; expiringSoon: bigint; expired: bigint; revoked: bigint; pending: bigint; rejected: bigint }[]>`
      SELECT count(*) FILTER (WHERE ${statusSql("active", now)}) AS active,
             count(*) FILTER (WHERE ${statusSql("redeemed", now)}) AS redeemed,
             count(*) FILTER (WHERE ${statusSql("active", now)} AND "expiresAt" <= ${soon}) AS "expiringSoon",
             count(*) FILTER (WHERE ${statusSql("expired", now)}) AS expired,
             count(*) FILTER (WHERE ${statusSql("revoked", now)}) AS revoked,
             count(*) FILTER (WHERE ${statusSql("pending_approval", now)}) AS pending,
             count(*) FILTER (WHERE ${statusSql("rejected", now)}) AS rejected
        FROM "CertificateRequestToken" WHERE true ${scopeSql}`,
    db.$queryRaw<{ expiring: bigint; renewed: bigint }[]>`
      SELECT count(*) FILTER (WHERE "revokedAt" IS NULL AND "notAfter" > ${now} AND "notAfter" <= ${new Date(now.getTime() + 30 * DAY)}) AS expiring,
             count(*) FILTER (WHERE "renewedAt" >= ${new Date(now.getTime() - 30 * DAY)}) AS renewed
        FROM "ClientCertificate" WHERE ("notAfter" > ${now} OR "renewedAt" >= ${new Date(now.getTime() - 30 * DAY)}) ${scopeSql}`,
    db.$queryRaw<{ day: string; n: bigint }[]>`
      SELECT to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*) AS n
        FROM "CertificateRequestToken" WHERE "createdAt" >= ${since} ${scopeSql} GROUP BY 1`,
    db.$queryRaw<{ day: string; n: bigint }[]>`
      SELECT to_char("redeemedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*) AS n
        FROM "CertificateRequestToken" WHERE "redeemedAt" >= ${since} ${scopeSql} GROUP BY 1`,
  ]);
  const createdBy = new Map(created.map((r) => [r.day, Number(r.n)]));
  const redeemedBy = new Map(redemptions.map((r) => [r.day, Number(r.n)]));
  const perDay = Array.from({ length: 30 }, (_, i) => {
    const date = new Date(since.getTime() + i * DAY).toISOString().slice(0, 10);
    return { date, created: createdBy.get(date) ?? 0, redeemed: redeemedBy.get(date) ?? 0 };
  });
  const n = (v: bigint | undefined) => Number(v ?? 0);
  return {
    tokens: { active: n(counts?.active), redeemed: n(counts?.redeemed), expiringSoon: n(counts?.expiringSoon), expired: n(counts?.expired), revoked: n(counts?.revoked), pending_approval: n(counts?.pending), rejected: n(counts?.rejected) },
    certificatesExpiringSoon: n(certificates?.expiring),
    certificatesRenewed: n(certificates?.renewed),
    perDay,
  };
}
