import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit";
import { AppError } from "@/lib/domain/errors";
import { assertCanAdminister } from "@/lib/domain/permissions";
import type { Principal, RequestContext, UserPrincipal } from "@/lib/domain/principal";
import { env } from "@/lib/env";

// Console sessions held on the server. The session cookie names a row; a session is live
// while it has not ended, has seen a request within SESSION_IDLE_TIMEOUT and began within
// SESSION_MAX_AGE. Ending a row ends the session on its next request, whatever its cookie
// says: that is how "sign out everywhere" and a password change reach other browsers.

/** How stale lastSeenAt may get before a request refreshes it (one write a minute at most). */
const TOUCH_EVERY_MS = 60_000;

export type SessionView = { id: string; createdAt: Date; lastSeenAt: Date; ip: string | null; userAgent: string | null; isCurrent: boolean };

/** A new session for a user who just signed in; its id goes into the session cookie. */
export async function startSession(userId: string, context: RequestContext = {}): Promise<string> {
  const row = await getDb().session.create({ data: { userId, ip: context.ip ?? null, userAgent: context.userAgent?.slice(0, 200) ?? null }, select: { id: true } });
  return row.id;
}

/**
 * Whether the session is live for this user; refreshes its last-seen time when it is more
 * than a minute old. One statement.
 */
export async function isSessionLive(sessionId: string, userId: string, now = new Date()): Promise<boolean> {
  const idleSince = new Date(now.getTime() - env.SESSION_IDLE_TIMEOUT);
  const bornAfter = new Date(now.getTime() - env.SESSION_MAX_AGE);
  // (A tenth of the idle timeout when that is shorter, so activity always keeps a session.)
  const staleBefore = new Date(now.getTime() - Math.min(TOUCH_EVERY_MS, env.SESSION_IDLE_TIMEOUT / 10));
  const rows = await getDb().$queryRaw<{ id: string }[]>`
    WITH live AS (
      SELECT "id", "lastSeenAt" FROM "Session"
       WHERE "id" = ${sessionId}::uuid AND "userId" = ${userId}::uuid AND "endedAt" IS NULL
         AND "lastSeenAt" > ${idleSince}::timestamptz AND "createdAt" > ${bornAfter}::timestamptz
    ),
    touched AS (
      UPDATE "Session" s SET "lastSeenAt" = ${now}::timestamptz FROM live
       WHERE s."id" = live."id" AND live."lastSeenAt" < ${staleBefore}::timestamptz RETURNING s."id"
    )
    SELECT "id"::text FROM live`;
  return rows.length > 0;
}

/** Signing out: this session only. */
export async function endSession(sessionId: string): Promise<void> {
  await getDb().session.updateMany({ where: { id: sessionId, endedAt: null }, data: { endedAt: new Date(), endReason: "signed_out" } });
}

/** The caller's own live sessions, newest first. */
export async function listOwnSessions(principal: UserPrincipal): Promise<SessionView[]> {
  const now = Date.now();
  const rows = await getDb().session.findMany({
    where: { userId: principal.userId, endedAt: null, lastSeenAt: { gt: new Date(now - env.SESSION_IDLE_TIMEOUT) }, createdAt: { gt: new Date(now - env.SESSION_MAX_AGE) } },
    select: { id: true, createdAt: true, lastSeenAt: true, ip: true, userAgent: true },
    orderBy: { lastSeenAt: "desc" },
  });
  return rows.map((r) => ({ ...r, isCurrent: r.id === principal.sessionId }));
}

/**
 * Ends every session of a user (all but the caller's own with `keepCurrent`). A user may do
 * it for themselves; an administrator for anyone. Audited with how many ended.
 */
export async function endAllSessions(principal: Principal, userId: string, options: { keepCurrent?: boolean; reason?: string } = {}): Promise<number> {
  const isSelf = principal.kind === "user" && principal.userId === userId;
  if (!isSelf) assertCanAdminister(principal);
  const keep = options.keepCurrent && principal.kind === "user" ? principal.sessionId : undefined;
  const reason = options.reason ?? "signed_out_everywhere";
  return getDb().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
    if (!user) throw new AppError("user_not_found");
    const { count } = await tx.session.updateMany({ where: { userId, endedAt: null, ...(keep ? { id: { not: keep } } : {}) }, data: { endedAt: new Date(), endReason: reason } });
    await recordAudit(tx, principal, { action: "user.sessions_ended", targetKind: "user", targetId: userId, details: { email: user.email, ended: count, reason, ...(keep ? { keptCurrent: true } : {}) } });
    return count;
  });
}
