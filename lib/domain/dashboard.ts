import { getDb } from "@/lib/db";
import { canReadEverything } from "@/lib/domain/permissions";
import type { Principal } from "@/lib/domain/principal";
import { frontdoorFor } from "@/lib/domain/scope";
import { statusWhere } from "@/lib/domain/tokens/status";
import { Prisma } from "@/lib/generated/prisma/client";

// The numbers on the dashboard, for one Frontdoor or for every Frontdoor the caller sees.

export type DashboardStats = {
  tokens: { active: number; redeemed: number; expiringSoon: number; expired: number; revoked: number };
  certificatesExpiringSoon: number;
  /** The last 30 days, oldest first, UTC dates. */
  perDay: { date: string; created: number; redeemed: number }[];
};

const DAY = 86_400_000;

async function scopeIds(principal: Principal, frontdoorId: string | undefined): Promise<string[] | null> {
  if (frontdoorId) return [(await frontdoorFor(principal, frontdoorId, "read")).id];
  return canReadEverything(principal) || principal.kind === "system" ? null : [...principal.frontdoorIds];
}

/** Token counts by status, certificates expiring within 30 days, and 30 days of activity. */
export async function dashboardStats(principal: Principal, frontdoorId?: string): Promise<DashboardStats> {
  const ids = await scopeIds(principal, frontdoorId);
  const scope = ids ? { frontdoorId: { in: ids } } : {};
  const now = new Date();
  const db = getDb();
  const count = (where: Prisma.CertificateRequestTokenWhereInput) => db.certificateRequestToken.count({ where: { ...scope, ...where } });
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 29 * DAY);
  const scopeSql = ids ? Prisma.sql`AND "frontdoorId" = ANY(${ids}::uuid[])` : Prisma.empty;

  const [active, redeemed, expiringSoon, expired, revoked, certificatesExpiringSoon, created, redemptions] = await Promise.all([
    count(statusWhere("active", now)),
    count(statusWhere("redeemed", now)),
    count({ ...statusWhere("active", now), expiresAt: { gt: now, lte: new Date(now.getTime() + DAY) } }),
    count(statusWhere("expired", now)),
    count(statusWhere("revoked", now)),
    db.clientCertificate.count({ where: { ...scope, revokedAt: null, notAfter: { gt: now, lte: new Date(now.getTime() + 30 * DAY) } } }),
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
  return { tokens: { active, redeemed, expiringSoon, expired, revoked }, certificatesExpiringSoon, perDay };
}
