import { type Db, getDb, type Tx } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { AppError } from "@/lib/domain/errors";
import { assertCanAdminister } from "@/lib/domain/access/permissions";
import type { Principal, RequestContext, UserPrincipal } from "@/lib/domain/access/principal";
import { env } from "@/lib/env";
import type { Role } from "@/lib/generated/prisma/enums";

// Console sessions held on the server. The session cookie names a row; a session is live
// while it has not ended, has seen a request within SESSION_IDLE_TIMEOUT and began within
// SESSION_MAX_AGE. Ending a row ends the session on its next request, whatever its cookie
// says: that is how "sign out everywhere" and a password change reach other browsers.

/** How stale lastSeenAt may get before a request refreshes it (one write a minute at most). */
const TOUCH_EVERY_MS = 60_000;

export type SessionView = { id: string; createdAt: Date; lastSeenAt: Date; ip: string | null; userAgent: string | null; isCurrent: boolean };

/** How a session signed in. */
export type SignInMethod = "password" | "passkey" | "oidc";

/**
 * A new session for a user who just signed in; its id goes into the session cookie.
 * `secondFactorPassed`: the sign-in itself was two factors (a passkey, or an OIDC provider
 * that says it did MFA), so no second step is owed.
 *
 * The row is made only while the user is enabled, and the user row is share-locked to make
 * it: a sign-in racing the transaction that disables the user either waits for it (and makes
 * nothing) or is seen and ended by it, so no session outlives a disable.
 */
export async function startSession(userId: string, context: RequestContext = {}, method: SignInMethod = "password", options: { secondFactorPassed?: boolean } = {}): Promise<string> {
  const secondFactorAt = (options.secondFactorPassed ?? method === "passkey") ? new Date() : null;
  const rows = await getDb().$queryRaw<{ id: string }[]>`
    INSERT INTO "Session" ("userId", "ip", "userAgent", "method", "secondFactorAt")
    SELECT u."id", ${context.ip ?? null}, ${context.userAgent?.slice(0, 200) ?? null}, ${method}, ${secondFactorAt}::timestamptz
      FROM "User" u WHERE u."id" = ${userId}::uuid AND u."disabledAt" IS NULL FOR SHARE
    RETURNING "id"::text AS "id"`;
  if (!rows[0]) throw new AppError("unauthenticated", "This account is disabled.");
  return rows[0].id;
}

/** Ends every live session of a user (but `exceptId`), in the caller's transaction; returns how many. */
export async function endSessionsOf(tx: Tx, userId: string, reason: string, exceptId?: string): Promise<number> {
  const { count } = await tx.session.updateMany({ where: { userId, endedAt: null, ...(exceptId ? { id: { not: exceptId } } : {}) }, data: { endedAt: new Date(), endReason: reason } });
  return count;
}

/** What a request needs to know about a live session to decide where its user may go (lib/domain/second-factor/steps.ts). */
export type LiveSession = { method: SignInMethod; secondFactorAt: Date | null; role: Role; hasFactor: boolean; policy: unknown };

/**
 * The session, if live for this user, with what the second-factor rules need: how it signed
 * in, whether it passed a second factor, the user's role, whether they have a factor, and the
 * installation's policy. Refreshes its last-seen time when it is more than a minute old. One
 * statement per request, as before the second factor.
 */
export async function liveSession(sessionId: string, userId: string, now = new Date()): Promise<LiveSession | null> {
  const idleSince = new Date(now.getTime() - env.SESSION_IDLE_TIMEOUT);
  const bornAfter = new Date(now.getTime() - env.SESSION_MAX_AGE);
  // (A tenth of the idle timeout when that is shorter, so activity always keeps a session.)
  const staleBefore = new Date(now.getTime() - Math.min(TOUCH_EVERY_MS, env.SESSION_IDLE_TIMEOUT / 10));
  const rows = await getDb().$queryRaw<LiveSession[]>`
    WITH live AS (
      SELECT s."id", s."lastSeenAt", s."method", s."secondFactorAt", u."role" FROM "Session" s JOIN "User" u ON u."id" = s."userId"
       WHERE s."id" = ${sessionId}::uuid AND s."userId" = ${userId}::uuid AND s."endedAt" IS NULL
         AND s."lastSeenAt" > ${idleSince}::timestamptz AND s."createdAt" > ${bornAfter}::timestamptz
    ),
    touched AS (
      UPDATE "Session" s SET "lastSeenAt" = ${now}::timestamptz FROM live
       WHERE s."id" = live."id" AND live."lastSeenAt" < ${staleBefore}::timestamptz RETURNING s."id"
    )
    SELECT "method", "secondFactorAt", "role"::text AS "role",
           EXISTS (SELECT 1 FROM "TotpFactor" t WHERE t."userId" = ${userId}::uuid AND t."confirmedAt" IS NOT NULL)
             OR EXISTS (SELECT 1 FROM "Passkey" p WHERE p."userId" = ${userId}::uuid) AS "hasFactor",
           (SELECT "value" FROM "Setting" WHERE "key" = 'secondFactorPolicy') AS "policy"
      FROM live`;
  return rows[0] ?? null;
}

/** Whether the session is live for this user (see liveSession). */
export async function isSessionLive(sessionId: string, userId: string, now = new Date()): Promise<boolean> {
  return (await liveSession(sessionId, userId, now)) !== null;
}

/** The session passed a second factor just now (a code, a recovery code, a passkey, or a factor it enrolled). */
export async function markSecondFactorPassed(db: Db | Tx, sessionId: string, userId: string): Promise<void> {
  await db.session.updateMany({ where: { id: sessionId, userId, endedAt: null }, data: { secondFactorAt: new Date() } });
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
    const count = await endSessionsOf(tx, userId, reason, keep);
    await recordAudit(tx, principal, { action: "user.sessions_ended", targetKind: "user", targetId: userId, details: { email: user.email, ended: count, reason, ...(keep ? { keptCurrent: true } : {}) } });
    return count;
  });
}
