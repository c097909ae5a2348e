import { createHash } from "node:crypto";
import type { Tx } from "@/lib/db";
import type { Principal } from "@/lib/domain/principal";
import type { ActorKind } from "@/lib/generated/prisma/enums";

// The audit log is append-only and hash-chained: each event's hash covers its content and
// the previous event's hash, so a deleted or edited row breaks `certdoor audit verify`.
// Writers hold a transaction-scoped advisory lock while they read the last hash and insert,
// which orders the chain; the lock is released at commit, with the change it describes.

const AUDIT_CHAIN_LOCK_KEY = 7_734_221;

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
    return { actorKind: "api_key", actorId: principal.apiKeyId, actorLabel: principal.email, ip, userAgent };
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

/** The hash of one event given its predecessor's hash. */
export function auditHash(prevHash: string | null, e: ChainedFields): string {
  const body = canonicalJson({
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
  return createHash("sha256").update(body, "utf8").digest("hex");
}

/** Appends events to the chain, in order, inside the caller's transaction (one lock, one read). */
export async function recordAudits(tx: Tx, actor: Principal | AuditActor, inputs: AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const who = "actorKind" in actor ? actor : actorOf(actor);
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`;
  const last = await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
  let prevHash = last?.hash ?? null;
  const at = new Date();
  const rows = inputs.map((input) => {
    const fields: ChainedFields = {
      ...who,
      at,
      action: input.action,
      frontdoorId: input.frontdoorId ?? null,
      targetKind: input.targetKind ?? null,
      targetId: input.targetId ?? null,
      details: JSON.parse(canonicalJson(input.details ?? {})),
    };
    const hash = auditHash(prevHash, fields);
    const row = { ...fields, details: fields.details as object, prevHash, hash };
    prevHash = hash;
    return row;
  });
  // createMany inserts in the given order, so ids follow the chain.
  await tx.auditEvent.createMany({ data: rows });
}

/** Appends one event to the chain inside the caller's transaction. */
export function recordAudit(tx: Tx, actor: Principal | AuditActor, input: AuditInput): Promise<void> {
  return recordAudits(tx, actor, [input]);
}
