import { generate } from "otplib";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db";
import { sessionStep } from "@/lib/domain/second-factor/policy";
import { completeSecondStepWithCode, secondStepMethods } from "@/lib/domain/second-factor/second-step";
import { regenerateRecoveryCodes } from "@/lib/domain/second-factor/recovery-codes";
import * as totp from "@/lib/domain/second-factor/totp";
import { beginTotpEnrolment, checkTotpCode, confirmTotpEnrolment, removeTotp } from "@/lib/domain/second-factor/totp";
import { startSession } from "@/lib/domain/access/sessions";
import { loadUserPrincipal } from "@/lib/domain/access/users";
import { makeUser } from "@/lib/testing/fixtures";

// An authenticator app from enrolment to sign-in, with the codes an app would show computed
// here by otplib from the seed the enrolment handed out.

const STEP = 30;
const codeAt = (secret: string, offsetSteps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * STEP });

async function signedIn(role: "admin" | "operator" = "operator") {
  const made = await makeUser(role);
  const sessionId = await startSession(made.user.id, { ip: "192.0.2.9" });
  const principal = (await loadUserPrincipal({ id: made.user.id }, { sessionId, context: { ip: "192.0.2.9" } }))!;
  return { ...made, sessionId, principal };
}

async function enrolled() {
  const user = await signedIn();
  const { secret, uri } = await beginTotpEnrolment(user.principal);
  const { recoveryCodes } = await confirmTotpEnrolment(user.principal, await codeAt(secret));
  return { ...user, secret, uri, recoveryCodes };
}

describe("authenticator app (TOTP)", () => {
  it("enrols with a code from the app: the seed is sealed, ten recovery codes are shown once and stored as hashes, audited", async () => {
    const user = await signedIn();
    const { secret, uri } = await beginTotpEnrolment(user.principal);
    expect(uri).toBe(`otpauth://totp/Certdoor:${encodeURIComponent(user.email)}?secret=${secret}&issuer=Certdoor`);
    const row = await getDb().totpFactor.findUniqueOrThrow({ where: { userId: user.user.id } });
    expect(row.encryptedSecret).toMatch(/^v1\./);
    expect(row.encryptedSecret).not.toContain(secret);
    expect(row.confirmedAt).toBeNull();

    await expect(confirmTotpEnrolment(user.principal, "000000")).rejects.toMatchObject({ code: "validation_failed" });
    await expect(confirmTotpEnrolment(user.principal, "12 34")).rejects.toMatchObject({ code: "validation_failed" });
    const { recoveryCodes } = await confirmTotpEnrolment(user.principal, await codeAt(secret));
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);

    const stored = await getDb().recoveryCode.findMany({ where: { userId: user.user.id } });
    expect(stored).toHaveLength(10);
    const dump = JSON.stringify(stored);
    for (const code of recoveryCodes) expect(dump).not.toContain(code.replace(/-/g, ""));
    // The enrolling session passed its second factor by proving the app works.
    expect(await sessionStep(user.sessionId, user.user.id)).toBe("console");
    const events = await getDb().auditEvent.findMany({ where: { targetId: user.user.id, action: "user.second_factor_added" } });
    expect(events.map((e) => e.details)).toEqual([{ email: user.email, kind: "totp" }]);
    expect(JSON.stringify(events.map((e) => e.details))).not.toContain(secret);
    // A working app is not replaced by starting over.
    await expect(beginTotpEnrolment(user.principal)).rejects.toMatchObject({ code: "conflict" });
  });

  it("a password sign-in then owes the second step; a right code passes it, a wrong one does not, and no code works twice", async () => {
    const user = await enrolled();
    const sessionId = await startSession(user.user.id);
    expect(await sessionStep(sessionId, user.user.id)).toBe("second_factor");
    const pending = (await loadUserPrincipal({ id: user.user.id }, { sessionId }))!;
    expect(await secondStepMethods(pending)).toEqual({ hasTotp: true, passkeyCount: 0, recoveryCodesLeft: 10 });

    const next = await codeAt(user.secret, 1);
    const wrong = next === "123456" ? "654321" : "123456";
    await expect(completeSecondStepWithCode(pending, wrong)).rejects.toMatchObject({ code: "validation_failed" });
    expect(await sessionStep(sessionId, user.user.id)).toBe("second_factor");
    // Two codes an app shows, spaced as apps do, one step ahead (clock drift): accepted.
    await completeSecondStepWithCode(pending, `${next.slice(0, 3)} ${next.slice(3)}`);
    expect(await sessionStep(sessionId, user.user.id)).toBe("console");

    // The same code again (another sign-in within the same 30 s): refused.
    const another = await startSession(user.user.id);
    const pendingToo = (await loadUserPrincipal({ id: user.user.id }, { sessionId: another }))!;
    await expect(completeSecondStepWithCode(pendingToo, next)).rejects.toMatchObject({ code: "validation_failed" });
    // As is the enrolment's code, older than the last one used.
    expect(await checkTotpCode(user.user.id, await codeAt(user.secret))).toBe(false);
    expect(await sessionStep(another, user.user.id)).toBe("second_factor");
  });

  it("two requests racing with the same right code: exactly one passes", async () => {
    const user = await enrolled();
    const code = await codeAt(user.secret, 1);
    const results = await Promise.all(Array.from({ length: 6 }, () => checkTotpCode(user.user.id, code)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("a recovery code passes the second step once, audited with how many remain; new codes retire the old", async () => {
    const user = await enrolled();
    const [first, second] = user.recoveryCodes as [string, string];
    const sessionId = await startSession(user.user.id);
    const pending = (await loadUserPrincipal({ id: user.user.id }, { sessionId }))!;
    await completeSecondStepWithCode(pending, first.toUpperCase().replace(/-/g, " "));
    expect(await sessionStep(sessionId, user.user.id)).toBe("console");
    const again = await startSession(user.user.id);
    const pendingAgain = (await loadUserPrincipal({ id: user.user.id }, { sessionId: again }))!;
    await expect(completeSecondStepWithCode(pendingAgain, first)).rejects.toMatchObject({ code: "validation_failed" });
    const used = await getDb().auditEvent.findMany({ where: { targetId: user.user.id, action: "user.recovery_code_used" } });
    expect(used.map((e) => e.details)).toEqual([{ email: user.email, remaining: 9 }]);

    const fresh = await regenerateRecoveryCodes(user.principal);
    expect(fresh).toHaveLength(10);
    await expect(completeSecondStepWithCode(pendingAgain, second)).rejects.toMatchObject({ code: "validation_failed" });
    await completeSecondStepWithCode(pendingAgain, fresh[0]!);
    expect(await sessionStep(again, user.user.id)).toBe("console");
  });

  it("ten wrong codes for a user make the next attempt wait, even with the right code", async () => {
    const user = await enrolled();
    const sessionId = await startSession(user.user.id);
    const pending = (await loadUserPrincipal({ id: user.user.id }, { sessionId }))!;
    const right = await codeAt(user.secret, 1);
    const wrong = right === "111111" ? "222222" : "111111";
    for (let i = 0; i < 10; i++) await expect(completeSecondStepWithCode(pending, i % 2 ? wrong : "not-a-recovery-code")).rejects.toMatchObject({ code: "validation_failed" });
    await expect(completeSecondStepWithCode(pending, right)).rejects.toMatchObject({ code: "rate_limited" });
    expect(await sessionStep(sessionId, user.user.id)).toBe("second_factor");
  });

  it("60 concurrent wrong codes: at most 10 are checked, the rest are refused unread", async () => {
    const user = await enrolled();
    const sessionId = await startSession(user.user.id);
    const pending = (await loadUserPrincipal({ id: user.user.id }, { sessionId }))!;
    const right = await codeAt(user.secret);
    const check = vi.spyOn(totp, "checkTotpCode");
    const wrong = (i: number) => String((Number(right) + 1000 + i) % 1_000_000).padStart(6, "0");
    const outcomes = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => completeSecondStepWithCode(pending, wrong(i))));
    const codes = outcomes.map((o) => (o.status === "rejected" ? (o.reason as { code?: string }).code : "ok"));
    expect(check.mock.calls.length).toBeLessThanOrEqual(10);
    expect(codes.filter((c) => c === "validation_failed").length).toBeLessThanOrEqual(10);
    expect(codes.filter((c) => c === "rate_limited").length).toBeGreaterThanOrEqual(50);
    check.mockRestore();
    await expect(completeSecondStepWithCode(pending, right)).rejects.toMatchObject({ code: "rate_limited" });
  });

  it("removing the app removes the recovery codes with it (it was the last factor); audited", async () => {
    const user = await enrolled();
    await removeTotp(user.principal);
    expect(await getDb().totpFactor.count({ where: { userId: user.user.id } })).toBe(0);
    expect(await getDb().recoveryCode.count({ where: { userId: user.user.id } })).toBe(0);
    expect(await getDb().auditEvent.count({ where: { targetId: user.user.id, action: "user.second_factor_removed" } })).toBe(1);
    // Without a factor, a password sign-in goes straight to the console again.
    expect(await sessionStep(await startSession(user.user.id), user.user.id)).toBe("console");
    await expect(removeTotp(user.principal)).rejects.toMatchObject({ code: "conflict" });
  });

  it("API keys cannot manage factors", async () => {
    const user = await signedIn();
    await expect(beginTotpEnrolment({ ...user.principal, apiKeyId: "k" })).rejects.toMatchObject({ code: "forbidden" });
  });
});
