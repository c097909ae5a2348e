import { getDb, type Tx } from "@/lib/db";
import { type AuditActor, recordAudit } from "@/lib/domain/audit/events";

// Failed redemptions are audited, but an attacker must not be able to grow the log at will
// by replaying a used, expired or revoked token (never purged) or by guessing. So attempts
// are counted per window: one per token (or, for unknown tokens, per Frontdoor and address), code and
// address. The first attempt of a window is audited at once (count 1 plus whatever the
// previous window left); later attempts in the window only bump a counter, which the
// schedule writes as one event when the window is over. At most about one event per key
// per minute, and every attempt is counted in exactly one event's `details.count`.

export const FAILURE_WINDOW_SECONDS = 60;

export type RedeemFailure = {
  frontdoorId: string;
  token: { id: string } | null;
  code: string;
  /** A door other than the REST API (SCEP): kept in the window's code as `channel:code`, written to the event as details.channel. */
  channel?: string;
  actor: AuditActor;
};

type WindowRow = { frontdoorId: string; tokenId: string | null; actorLabel: string | null; userAgent: string | null; ip: string; code: string; pending: number };

function eventFor(row: WindowRow, count: number) {
  const actor: AuditActor = {
    actorKind: row.tokenId ? "token" : "anonymous",
    actorId: row.tokenId,
    actorLabel: row.actorLabel,
    ip: row.ip || null,
    userAgent: row.userAgent,
  };
  const input = {
    action: "token.redeem_failed",
    frontdoorId: row.frontdoorId,
    targetKind: row.tokenId ? "token" : null,
    targetId: row.tokenId,
    details: channelAndCode(row.code, count),
  };
  return { actor, input };
}

/** The event's details from a window's code (`code`, or `channel:code`). */
function channelAndCode(stored: string, count: number) {
  const [channel, code] = stored.includes(":") ? stored.split(":", 2) : [null, stored];
  return channel ? { code, count, channel } : { code, count };
}

const audit = (tx: Tx, row: WindowRow, count: number) => {
  const { actor, input } = eventFor(row, count);
  return recordAudit(tx, actor, input);
};

/** Counts one failed attempt, auditing it at once when it opens a window. */
export async function auditRedeemFailure(failure: RedeemFailure): Promise<void> {
  const ip = failure.actor.ip ?? "";
  const row: WindowRow = {
    frontdoorId: failure.frontdoorId,
    tokenId: failure.token?.id ?? null,
    actorLabel: failure.actor.actorLabel,
    userAgent: failure.actor.userAgent,
    ip,
    code: failure.channel ? `${failure.channel}:${failure.code}` : failure.code,
    pending: 0,
  };
  // An unknown token's window is the address's on this Frontdoor: the events name the
  // Frontdoor attacked, not the first one the address tried.
  const subject = failure.token ? failure.token.id : `address:${failure.frontdoorId}:${ip}`;
  const window = FAILURE_WINDOW_SECONDS;
  await getDb().$transaction(async (tx) => {
    // The common case, one statement: count the attempt inside the key's open window.
    const counted = await tx.$executeRaw`
      UPDATE "RedeemFailureWindow" SET "pending" = "pending" + 1, "userAgent" = ${row.userAgent}
       WHERE "subject" = ${subject} AND "code" = ${row.code} AND "ip" = ${ip} AND "windowStart" > now() - make_interval(secs => ${window})`;
    if (counted === 1) return;
    // No open window: take the ended one's leftover attempts (if any) and open a new one.
    // Two attempts racing here: one opens it, the other is counted in it (ON CONFLICT).
    const ended = await tx.$queryRaw<{ pending: number }[]>`
      DELETE FROM "RedeemFailureWindow"
       WHERE "subject" = ${subject} AND "code" = ${row.code} AND "ip" = ${ip} AND "windowStart" <= now() - make_interval(secs => ${window})
      RETURNING "pending"`;
    const [opened] = await tx.$queryRaw<{ isNew: boolean }[]>`
      INSERT INTO "RedeemFailureWindow" ("subject", "code", "ip", "frontdoorId", "tokenId", "actorLabel", "userAgent", "windowStart", "pending")
      VALUES (${subject}, ${row.code}, ${ip}, ${row.frontdoorId}::uuid, ${row.tokenId}, ${row.actorLabel}, ${row.userAgent}, now(), 0)
      ON CONFLICT ("subject", "code", "ip") DO UPDATE SET "pending" = "RedeemFailureWindow"."pending" + 1
      RETURNING (xmax = 0) AS "isNew"`;
    if (opened?.isNew) await audit(tx, row, 1 + (ended[0]?.pending ?? 0));
  });
}

/** Writes the attempts of windows that have ended as one event each (the schedule calls this). */
export async function flushRedeemFailures(options: { olderThanSeconds?: number } = {}): Promise<number> {
  const age = options.olderThanSeconds ?? FAILURE_WINDOW_SECONDS;
  return getDb().$transaction(async (tx) => {
    const ended = await tx.$queryRaw<WindowRow[]>`
      DELETE FROM "RedeemFailureWindow" WHERE "windowStart" <= now() - make_interval(secs => ${age})
      RETURNING "frontdoorId"::text AS "frontdoorId", "tokenId", "actorLabel", "userAgent", "ip", "code", "pending"`;
    const withAttempts = ended.filter((row) => row.pending > 0);
    for (const row of withAttempts) await audit(tx, row, row.pending);
    return withAttempts.length;
  });
}
