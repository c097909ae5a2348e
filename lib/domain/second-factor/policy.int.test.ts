import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { resetSecondFactors } from "@/lib/domain/second-factor/factors";
import { getSecondFactorPolicy, sessionStep, setSecondFactorPolicy, signInStep } from "@/lib/domain/second-factor/policy";
import { beginTotpEnrolment, confirmTotpEnrolment, removeTotp } from "@/lib/domain/second-factor/totp";
import { type SignInMethod, startSession } from "@/lib/domain/access/sessions";
import { loadUserPrincipal } from "@/lib/domain/access/users";
import { makeUser, system } from "@/lib/testing/fixtures";

// Who must have a second factor, where each kind of session goes next, and an
// administrator's reset. The policy is installation-wide, so this file's tests run in order.

async function withTotp(role: "admin" | "operator" | "auditor") {
  const made = await makeUser(role);
  const { secret } = await beginTotpEnrolment(made.principal);
  const { recoveryCodes } = await confirmTotpEnrolment(made.principal, await generate({ secret }));
  return { ...made, recoveryCodes };
}

const stepOf = async (userId: string, method: SignInMethod = "password") => sessionStep(await startSession(userId, {}, method), userId);

describe("second factor policy", () => {
  it("decides each request's step: a factor always, the policy for those without one, OIDC like a password unless its provider did MFA", () => {
    const base = { secondFactorAt: null, role: "admin" as const, hasFactor: false, policy: "everyone" };
    expect(signInStep({ ...base, method: "oidc" })).toBe("setup");
    expect(signInStep({ ...base, method: "oidc", secondFactorAt: new Date() })).toBe("console");
    expect(signInStep({ ...base, method: "oidc", policy: "off" })).toBe("console");
    expect(signInStep({ ...base, method: "oidc", hasFactor: true })).toBe("second_factor");
    expect(signInStep({ ...base, method: "password" })).toBe("setup");
    expect(signInStep({ ...base, method: "password", policy: "off" })).toBe("console");
    expect(signInStep({ ...base, method: "password", policy: "admins", role: "operator" })).toBe("console");
    expect(signInStep({ ...base, method: "password", policy: "something from a newer version" })).toBe("console");
    expect(signInStep({ ...base, method: "password", hasFactor: true, policy: null })).toBe("second_factor");
    expect(signInStep({ ...base, method: "password", hasFactor: true, secondFactorAt: new Date() })).toBe("console");
  });

  it("is off until an administrator sets it; only administrators may, and each change is audited", async () => {
    const admin = await makeUser("admin");
    const operator = await makeUser("operator");
    expect(await getSecondFactorPolicy()).toBe("off");
    expect(await stepOf(admin.user.id)).toBe("console");
    await expect(setSecondFactorPolicy(operator.principal, "everyone")).rejects.toMatchObject({ code: "forbidden" });
    await expect(setSecondFactorPolicy(admin.principal, "sometimes")).rejects.toMatchObject({ code: "validation_failed" });

    await setSecondFactorPolicy(admin.principal, "admins");
    await setSecondFactorPolicy(admin.principal, "admins"); // no change, no event
    expect(await getSecondFactorPolicy()).toBe("admins");
    const events = await getDb().auditEvent.findMany({ where: { action: "settings.second_factor_policy_changed" } });
    expect(events.map((e) => [e.actorId, e.details])).toEqual([[admin.user.id, { from: "off", to: "admins" }]]);
  });

  it("require for admins: an admin without a factor is led to set one up (also a session begun before), others are not", async () => {
    const admin = await makeUser("admin");
    const operator = await makeUser("operator");
    expect(await stepOf(admin.user.id)).toBe("setup");
    expect(await stepOf(admin.user.id, "oidc")).toBe("setup");
    expect(await stepOf(operator.user.id)).toBe("console");

    // Setting one up in that session lets it into the console.
    const sessionId = await startSession(admin.user.id);
    const principal = (await loadUserPrincipal({ id: admin.user.id }, { sessionId }))!;
    const { secret } = await beginTotpEnrolment(principal);
    await confirmTotpEnrolment(principal, await generate({ secret }));
    expect(await sessionStep(sessionId, admin.user.id)).toBe("console");
    // And the last factor cannot be removed while the policy requires one.
    await expect(removeTotp(principal)).rejects.toMatchObject({ code: "forbidden" });
    expect(await getDb().totpFactor.count({ where: { userId: admin.user.id } })).toBe(1);
  });

  it("require for everyone reaches every role", async () => {
    await setSecondFactorPolicy(system, "everyone");
    for (const role of ["operator", "auditor"] as const) expect(await stepOf((await makeUser(role)).user.id)).toBe("setup");
    await setSecondFactorPolicy(system, "off");
  });

  it("an administrator resets a user's factors: app, passkeys and recovery codes go, audited; the user then signs in as the policy says", async () => {
    const admin = await makeUser("admin");
    const operator = await withTotp("operator");
    await getDb().passkey.create({ data: { userId: operator.user.id, credentialId: `cred-${operator.user.id}`, publicKey: new Uint8Array([1]), name: "old key", rpId: "localhost" } });
    expect(await stepOf(operator.user.id)).toBe("second_factor");

    await expect(resetSecondFactors(operator.principal, admin.user.id)).rejects.toMatchObject({ code: "forbidden" });
    await expect(resetSecondFactors(admin.principal, admin.user.id)).rejects.toMatchObject({ code: "forbidden" });
    await expect(resetSecondFactors(admin.principal, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "user_not_found" });
    expect(await resetSecondFactors(admin.principal, operator.user.id)).toEqual({ totp: true, passkeys: 1, recoveryCodes: 10 });

    const db = getDb();
    expect(await db.totpFactor.count({ where: { userId: operator.user.id } })).toBe(0);
    expect(await db.passkey.count({ where: { userId: operator.user.id } })).toBe(0);
    expect(await db.recoveryCode.count({ where: { userId: operator.user.id } })).toBe(0);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "user.second_factor_reset", targetId: operator.user.id } });
    expect(event).toMatchObject({ actorId: admin.user.id, details: { email: operator.email, totp: true, passkeys: 1, recoveryCodes: 10 } });

    expect(await stepOf(operator.user.id)).toBe("console");
    await setSecondFactorPolicy(system, "everyone");
    expect(await stepOf(operator.user.id)).toBe("setup");
    await setSecondFactorPolicy(system, "off");
  });
});
