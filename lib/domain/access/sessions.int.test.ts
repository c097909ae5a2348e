import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { changeOwnPassword } from "@/lib/domain/access/account";
import { endAllSessions, isSessionLive, listOwnSessions, startSession } from "@/lib/domain/access/sessions";
import { loadUserPrincipal, verifyCredentials } from "@/lib/domain/access/users";
import { env } from "@/lib/env";
import { makeUser } from "@/lib/testing/fixtures";

// Sessions end on the server: idle, too old, signed out everywhere, or a password change.

const HOUR = 3_600_000;

async function signedIn(role: "admin" | "operator" = "operator") {
  const { user, email } = await makeUser(role);
  const sessionId = await startSession(user.id, { ip: "192.0.2.7", userAgent: "test" });
  const principal = (await loadUserPrincipal({ id: user.id }, { sessionId }))!;
  return { user, email, sessionId, principal };
}

describe("console sessions", () => {
  it("live until idle for SESSION_IDLE_TIMEOUT, or older than SESSION_MAX_AGE, however active", async () => {
    const { user, sessionId } = await signedIn();
    const t0 = new Date();
    expect(await isSessionLive(sessionId, user.id, t0)).toBe(true);
    // Activity within the idle timeout keeps it: each request moves lastSeenAt.
    const later = new Date(t0.getTime() + env.SESSION_IDLE_TIMEOUT - 60_000);
    expect(await isSessionLive(sessionId, user.id, later)).toBe(true);
    expect(await isSessionLive(sessionId, user.id, new Date(later.getTime() + env.SESSION_IDLE_TIMEOUT - 60_000))).toBe(true);
    // Idle past the timeout: over.
    const idle = await signedIn();
    expect(await isSessionLive(idle.sessionId, idle.user.id, new Date(Date.now() + env.SESSION_IDLE_TIMEOUT + 1000))).toBe(false);
    // Active, but born longer ago than the absolute lifetime: over.
    await getDb().session.update({ where: { id: sessionId }, data: { createdAt: new Date(Date.now() - env.SESSION_MAX_AGE - HOUR), lastSeenAt: new Date() } });
    expect(await isSessionLive(sessionId, user.id)).toBe(false);
    // Another user's id with this session: not theirs.
    const other = await signedIn();
    expect(await isSessionLive(other.sessionId, user.id)).toBe(false);
  });

  it("sign out everywhere ends every session of the user; an administrator may do it for anyone, others only for themselves", async () => {
    const a = await signedIn();
    const second = await startSession(a.user.id);
    const admin = await signedIn("admin");
    await expect(endAllSessions(a.principal, admin.user.id)).rejects.toMatchObject({ code: "forbidden" });
    expect(await endAllSessions(a.principal, a.user.id, { keepCurrent: true })).toBe(1);
    expect([await isSessionLive(a.sessionId, a.user.id), await isSessionLive(second, a.user.id)]).toEqual([true, false]);
    expect(await endAllSessions(admin.principal, a.user.id)).toBe(1);
    expect(await isSessionLive(a.sessionId, a.user.id)).toBe(false);
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "user.sessions_ended", targetId: a.user.id, actorId: admin.user.id } });
    expect(event.details).toMatchObject({ ended: 1, reason: "signed_out_everywhere" });
  });

  it("a password change needs the current password and signs out every other session", async () => {
    const a = await signedIn();
    const elsewhere = await startSession(a.user.id);
    await expect(changeOwnPassword(a.principal, { currentPassword: "wrong password!!", newPassword: "a brand new password" })).rejects.toMatchObject({
      code: "validation_failed",
      errors: [{ path: "currentPassword", message: "The current password is not right" }],
    });
    expect(await changeOwnPassword(a.principal, { currentPassword: "correct horse battery staple", newPassword: "a brand new password" })).toEqual({ endedSessions: 1 });
    expect([await isSessionLive(a.sessionId, a.user.id), await isSessionLive(elsewhere, a.user.id)]).toEqual([true, false]);
    expect(await verifyCredentials(a.email, "a brand new password")).toEqual({ id: a.user.id, credentialTag: expect.any(String) });
    expect(await verifyCredentials(a.email, "correct horse battery staple")).toBeNull();
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "user.password_changed", targetId: a.user.id } });
    expect(JSON.stringify(event.details)).not.toContain("brand new");
    expect((await listOwnSessions(a.principal)).map((s) => [s.id, s.isCurrent])).toEqual([[a.sessionId, true]]);
  });
});
