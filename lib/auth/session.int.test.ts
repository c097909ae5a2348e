import { generate } from "otplib";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { runAction } from "@/lib/console/action";
import { getSessionPrincipal, requireActionPrincipal, requireEnrollingPrincipal, requirePendingPrincipal, requireUser } from "@/lib/auth/session";
import { authenticateApiKey, createApiKey } from "@/lib/domain/access/api-keys";
import { setSecondFactorPolicy } from "@/lib/domain/second-factor/policy";
import { beginTotpEnrolment, confirmTotpEnrolment } from "@/lib/domain/second-factor/totp";
import { startSession } from "@/lib/domain/access/sessions";
import { updateUser } from "@/lib/domain/access/users";
import { getDb } from "@/lib/db";
import { makeUser, system } from "@/lib/testing/fixtures";

// The doors' view of a session that owes a step: nobody for pages, actions and the REST
// API's cookie, except the step's own doors. Auth.js's auth() is replaced by the session a
// cookie would carry; everything behind it (session row, factors, policy) is real.

let cookieSession: { user: { id: string }; sessionId: string } | null = null;
vi.mock("@/lib/auth", () => ({ auth: async () => cookieSession }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ host: "localhost:3000" }) }));

const redirectOf = (error: unknown) => String((error as { digest?: string }).digest ?? error).split(";")[2];

async function signInAs(userId: string) {
  cookieSession = { user: { id: userId }, sessionId: await startSession(userId) };
}

beforeEach(() => {
  cookieSession = null;
});

describe("a session that owes a second factor", () => {
  it("is nobody to pages and actions until the second step; only the step's own door accepts it", async () => {
    const made = await makeUser("operator");
    const { secret } = await beginTotpEnrolment(made.principal);
    await confirmTotpEnrolment(made.principal, await generate({ secret }));
    await signInAs(made.user.id);

    expect(await getSessionPrincipal()).toBeNull();
    await expect(requireActionPrincipal()).rejects.toMatchObject({ code: "unauthenticated" });
    await expect(runAction(async () => "ran")).resolves.toMatchObject({ ok: false, code: "unauthenticated" });
    await expect(requireEnrollingPrincipal()).rejects.toMatchObject({ code: "unauthenticated" });
    expect(redirectOf(await requireUser().catch((e: unknown) => e))).toBe("/login/second-factor");
    expect((await requirePendingPrincipal()).userId).toBe(made.user.id);
  });

  it("a policy that requires a factor the user lacks sends every page to the set-up; only adding a factor is allowed", async () => {
    const admin = await makeUser("admin");
    await setSecondFactorPolicy(system, "admins");
    try {
      await signInAs(admin.user.id);
      expect(await getSessionPrincipal()).toBeNull();
      await expect(runAction(async () => "ran")).resolves.toMatchObject({ ok: false, code: "unauthenticated" });
      expect(redirectOf(await requireUser().catch((e: unknown) => e))).toBe("/setup-second-factor");
      await expect(requirePendingPrincipal()).rejects.toMatchObject({ code: "unauthenticated" });
      const enrolling = await requireEnrollingPrincipal();
      expect(enrolling.userId).toBe(admin.user.id);
      await expect(runAction(async (p) => p.userId, requireEnrollingPrincipal)).resolves.toEqual({ ok: true, data: admin.user.id });
    } finally {
      await setSecondFactorPolicy(system, "off");
    }
  });

  it("users without a factor and no policy are signed in as before", async () => {
    const made = await makeUser("auditor");
    await signInAs(made.user.id);
    expect((await getSessionPrincipal())?.userId).toBe(made.user.id);
    expect((await requireUser()).userId).toBe(made.user.id);
    await expect(requirePendingPrincipal()).rejects.toMatchObject({ code: "unauthenticated" });
  });
});

describe("a user who is disabled", () => {
  it("loses every session for good: enabling them again revives no old cookie; their API keys only pause", async () => {
    const admin = await makeUser("admin");
    const made = await makeUser("operator");
    const key = await createApiKey(admin.principal, { name: "automation", ownerEmail: made.email });
    await signInAs(made.user.id);
    const other = await startSession(made.user.id);
    expect((await getSessionPrincipal())?.userId).toBe(made.user.id);

    await updateUser(admin.principal, { userId: made.user.id, isDisabled: true });
    expect(await getSessionPrincipal()).toBeNull();
    expect(await authenticateApiKey(key.key)).toBeNull();
    const ended = await getDb().session.findMany({ where: { id: { in: [cookieSession!.sessionId, other] } }, select: { endedAt: true, endReason: true } });
    expect(ended).toEqual([expect.objectContaining({ endReason: "user_disabled" }), expect.objectContaining({ endReason: "user_disabled" })]);
    expect(ended.every((s) => s.endedAt !== null)).toBe(true);
    const disabled = await getDb().auditEvent.findFirstOrThrow({ where: { targetId: made.user.id, action: "user.disabled" } });
    expect(disabled.details).toMatchObject({ sessionsEnded: 2 });
    await expect(startSession(made.user.id)).rejects.toMatchObject({ code: "unauthenticated" });

    await updateUser(admin.principal, { userId: made.user.id, isDisabled: false });
    // The old cookie names an ended session: nobody, whatever the user's state now.
    expect(await getSessionPrincipal()).toBeNull();
    await expect(requireActionPrincipal()).rejects.toMatchObject({ code: "unauthenticated" });
    cookieSession = { user: { id: made.user.id }, sessionId: other };
    expect(await getSessionPrincipal()).toBeNull();
    // API keys are deliberate credentials: they stop while the owner is disabled and work again after.
    expect((await authenticateApiKey(key.key))?.userId).toBe(made.user.id);
    // A new sign-in works as usual.
    await signInAs(made.user.id);
    expect((await getSessionPrincipal())?.userId).toBe(made.user.id);
  });
});
