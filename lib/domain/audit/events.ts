import type { Tx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { macHex } from "@/lib/domain/keys";
import type { Principal } from "@/lib/domain/access/principal";
import type { ActorKind } from "@/lib/generated/prisma/enums";

// The audit log is append-only and chained. Writers insert events in the transaction of
// the change they describe, without any lock, so writes on every instance run in
// parallel. The sealer (audit-seal.ts) then gives committed events their chain position
// and a keyed hash (HMAC under a key derived from CERTDOOR_MASTER_KEY) over the content,
// the position and the previous hash: an edited, removed or reordered sealed event breaks
// `certdoor audit verify`, and without the master key nobody can recompute the chain.

export type AuditInput = {
  action: string;
  frontdoorId?: string | null;
  targetKind?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown>;
};

export type AuditActor = {
  actorKind: ActorKind;
  actorId: string | null;
  actorLabel: string | null;
  ip: string | null;
  userAgent: string | null;
};

export type ChainedFields = AuditActor & {
  at: Date;
  action: string;
  frontdoorId: string | null;
  targetKind: string | null;
  targetId: string | null;
  details: unknown;
};

/** User agents are attacker-chosen text: the audit log keeps their first 200 characters. */
export const MAX_AUDIT_USER_AGENT = 200;
export const auditUserAgent = (userAgent: string | null | undefined) => userAgent?.slice(0, MAX_AUDIT_USER_AGENT) ?? null;

export function actorOf(principal: Principal): AuditActor {
  const ip = principal.context?.ip ?? null;
  const userAgent = auditUserAgent(principal.context?.userAgent);
  if (principal.kind === "system") {
    return { actorKind: "system", actorId: null, actorLabel: principal.label, ip, userAgent };
  }
  if (principal.apiKeyId) {
    // A key made by an administrator for someone else acts as them; the label says whose
    // key it was and who made it, so the act stays traceable.
    const actorLabel = principal.apiKeyLabel ? `${principal.email} (${principal.apiKeyLabel})` : principal.email;
    return { actorKind: "api_key", actorId: principal.apiKeyId, actorLabel, ip, userAgent };
  }
  return { actorKind: "user", actorId: principal.userId, actorLabel: principal.email, ip, userAgent };
}

/** JSON with object keys sorted at every level (jsonb does not keep key order). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** The keyed hash of one event at chain position `seq`, given its predecessor's hash. */
export function auditHash(seq: bigint, prevHash: string | null, e: ChainedFields): string {
  const body = canonicalJson({
    seq: seq.toString(),
    prevHash,
    at: e.at.toISOString(),
    actorKind: e.actorKind,
    actorId: e.actorId,
    actorLabel: e.actorLabel,
    ip: e.ip,
    userAgent: e.userAgent,
    action: e.action,
    frontdoorId: e.frontdoorId,
    targetKind: e.targetKind,
    targetId: e.targetId,
    details: e.details ?? {},
  });
  return macHex("audit-chain", body);
}

/** Appends events inside the caller's transaction; they are visible at once and sealed after commit. */
export async function recordAudits(tx: Tx, actor: Principal | AuditActor, inputs: AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const who = "actorKind" in actor ? actor : actorOf(actor);
  const at = new Date();
  // createMany inserts in the given order, so ids (and so the sealed order) follow it.
  await tx.auditEvent.createMany({
    data: inputs.map((input) => ({
      ...who,
      at,
      action: input.action,
      frontdoorId: input.frontdoorId ?? null,
      targetKind: input.targetKind ?? null,
      targetId: input.targetId ?? null,
      details: JSON.parse(canonicalJson(input.details ?? {})) as object,
    })),
  });
}

/** Appends one event inside the caller's transaction. */
export function recordAudit(tx: Tx, actor: Principal | AuditActor, input: AuditInput): Promise<void> {
  return recordAudits(tx, actor, [input]);
}

/**
 * The audit rows as a SQL VALUES list, for hot paths that write a change and its events in
 * one statement (a CTE): `INSERT INTO "AuditEvent" (${AUDIT_COLUMNS}) SELECT v.* FROM (${values}) …`.
 */
export function auditValuesSql(actor: Principal | AuditActor, inputs: AuditInput[], at = new Date()): Prisma.Sql {
  const who = "actorKind" in actor ? actor : actorOf(actor);
  return Prisma.sql`VALUES ${Prisma.join(
    inputs.map(
      (input) => Prisma.sql`(${at}::timestamptz, ${who.actorKind}::"ActorKind", ${who.actorId}, ${who.actorLabel}, ${who.ip}, ${who.userAgent},
        ${input.action}, ${input.frontdoorId ?? null}::uuid, ${input.targetKind ?? null}, ${input.targetId ?? null}, ${canonicalJson(input.details ?? {})}::jsonb)`,
    ),
  )}`;
}

export const AUDIT_COLUMNS = Prisma.raw(`"at", "actorKind", "actorId", "actorLabel", "ip", "userAgent", "action", "frontdoorId", "targetKind", "targetId", "details"`);
