import { generate } from "otplib";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { runAction } from "@/lib/action";
import { getSessionPrincipal, requireActionPrincipal, requireEnrollingPrincipal, requirePendingPrincipal, requireUser } from "@/lib/auth/session";
import { setSecondFactorPolicy } from "@/lib/domain/second-factor/policy";
import { beginTotpEnrolment, confirmTotpEnrolment } from "@/lib/domain/second-factor/totp";
import { startSession } from "@/lib/domain/sessions";
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
