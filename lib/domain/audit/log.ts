import { getDb } from "@/lib/db";
import { assertCanReadEverything, canReadEverything } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type ListAuditQuery, listAuditQuerySchema } from "@/lib/validation/audit";
import { type Page, pageOf } from "@/lib/validation/paging";
import { parseInput } from "@/lib/validation/parse";

// Reading the audit trail: admins and auditors see all of it; an operator sees the events
// of the Frontdoors they work on (for token timelines and their dashboard).

export type AuditEventView = {
  id: string;
  at: Date;
  actorKind: string;
  actorLabel: string | null;
  ip: string | null;
  action: string;
  frontdoorId: string | null;
  targetKind: string | null;
  targetId: string | null;
  details: unknown;
};

const select = { id: true, at: true, actorKind: true, actorLabel: true, ip: true, action: true, frontdoorId: true, targetKind: true, targetId: true, details: true } as const;

type Row = Omit<AuditEventView, "id"> & { id: bigint };
const toView = (row: Row): AuditEventView => ({ ...row, id: row.id.toString() });

/** What the caller may see: everything, or the events of their Frontdoors. */
function scopeWhere(principal: Principal): Prisma.AuditEventWhereInput {
  return canReadEverything(principal) || principal.kind === "system" ? {} : { frontdoorId: { in: [...principal.frontdoorIds] } };
}

/** The audit trail with filters (admins and auditors). */
export async function listAuditEvents(principal: Principal, raw: ListAuditQuery = {}): Promise<Page<AuditEventView>> {
  assertCanReadEverything(principal);
  const q = parseInput(listAuditQuerySchema, raw);
  const where: Prisma.AuditEventWhereInput = {
    ...(q.action ? { action: { startsWith: q.action } } : {}),
    ...(q.actor ? { actorLabel: { contains: q.actor, mode: "insensitive" } } : {}),
    ...(q.frontdoorId ? { frontdoorId: q.frontdoorId } : {}),
    ...(q.targetId ? { targetId: q.targetId } : {}),
    ...(q.from || q.to
      ? { at: { ...(q.from ? { gte: new Date(`${q.from}T00:00:00Z`) } : {}), ...(q.to ? { lt: new Date(new Date(`${q.to}T00:00:00Z`).getTime() + 86_400_000) } : {}) } }
      : {}),
  };
  const db = getDb();
  const [total, rows] = await Promise.all([
    db.auditEvent.count({ where }),
    db.auditEvent.findMany({ where, orderBy: { id: "desc" }, skip: q.page * q.size, take: q.size, select }),
  ]);
  return pageOf(rows.map(toView), total, q);
}

/** The most recent events the caller may see (dashboard). */
export async function recentAuditEvents(principal: Principal, options: { frontdoorId?: string; take?: number } = {}): Promise<AuditEventView[]> {
  const rows = await getDb().auditEvent.findMany({
    where: { AND: [scopeWhere(principal), options.frontdoorId ? { frontdoorId: options.frontdoorId } : {}] },
    orderBy: { id: "desc" },
    take: options.take ?? 10,
    select,
  });
  return rows.map(toView);
}

/** The history of one token and the certificate it produced, oldest first (token detail timeline). */
export async function timelineOf(principal: Principal, frontdoorId: string, targetIds: string[]): Promise<AuditEventView[]> {
  const rows = await getDb().auditEvent.findMany({
    where: { AND: [scopeWhere(principal), { frontdoorId }, { targetId: { in: targetIds } }] },
    orderBy: { id: "asc" },
    select,
  });
  return rows.map(toView);
}

/** Distinct actions, for the filter's choices. */
export async function auditActions(principal: Principal): Promise<string[]> {
  assertCanReadEverything(principal);
  const rows = await getDb().auditEvent.findMany({ distinct: ["action"], select: { action: true }, orderBy: { action: "asc" } });
  return rows.map((r) => r.action);
}
