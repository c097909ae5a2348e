import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { linkOidcIdentity, providerDidMfa, resolveOidcUser } from "@/lib/domain/access/oidc-accounts";
import type { UserPrincipal } from "@/lib/domain/access/principal";
import { sessionStep, setSecondFactorPolicy } from "@/lib/domain/second-factor/policy";
import { beginTotpEnrolment, confirmTotpEnrolment } from "@/lib/domain/second-factor/totp";
import { startSession } from "@/lib/domain/access/sessions";
import { createUser, loadUserPrincipal } from "@/lib/domain/access/users";
import { makeUser, system, uniqueName } from "@/lib/testing/fixtures";

const issuer = "https://idp.example.test";

/** A user made for OIDC: no password, not bound yet. */
async function makeOidcUser(role: "admin" | "operator" | "auditor") {
  const email = `${uniqueName(role)}@example.test`;
  const { user, generatedPassword } = await createUser(system, { email, role, isOidcOnly: true });
  expect(generatedPassword).toBeUndefined();
  expect(user.oidc).toBe("awaiting_first_sign_in");
  return { user, email };
}

const inConsoleSession = async (userId: string) => (await loadUserPrincipal({ id: userId }, { sessionId: await startSession(userId) }))!;
const bindingOf = (id: string) => getDb().user.findUniqueOrThrow({ where: { id }, select: { oidcIssuer: true, oidcSubject: true } });

describe("which user an OIDC sign-in is", () => {
  it("never binds an existing password account by a matching email, verified or not, administrators included", async () => {
    const admin = await makeUser("admin");
    for (const emailVerified of [true, undefined, false, "true"]) {
      const outcome = await resolveOidcUser({ issuer, subject: "attacker-1", email: admin.email, emailVerified });
      expect(outcome).toEqual({ refused: emailVerified === true ? "not_linked" : "unverified_email" });
    }
    expect(await bindingOf(admin.user.id)).toEqual({ oidcIssuer: null, oidcSubject: null });
    expect(await getDb().auditEvent.count({ where: { action: "user.oidc_bound", targetId: admin.user.id } })).toBe(0);
  });

  it("binds a user made for OIDC at its first verified sign-in; later the subject decides and a changed email moves nothing", async () => {
    const operator = await makeOidcUser("operator");
    const admin = await makeOidcUser("admin");
    expect(await resolveOidcUser({ issuer, subject: "sub-op", email: operator.email, emailVerified: undefined })).toEqual({ refused: "unverified_email" });
    expect(await resolveOidcUser({ issuer, subject: "sub-op", email: operator.email.toUpperCase(), emailVerified: true })).toEqual({ userId: operator.user.id });
    expect(await bindingOf(operator.user.id)).toEqual({ oidcIssuer: issuer, oidcSubject: "sub-op" });
    const bound = await getDb().auditEvent.findFirstOrThrow({ where: { action: "user.oidc_bound", targetId: operator.user.id } });
    expect(bound.details).toMatchObject({ how: "first_sign_in", subject: "sub-op" });

    // The operator changes their email at the provider to the admin's: still the operator.
    expect(await resolveOidcUser({ issuer, subject: "sub-op", email: admin.email, emailVerified: true })).toEqual({ userId: operator.user.id });
    // Another provider account claiming the operator's email cannot take the bound account.
    expect(await resolveOidcUser({ issuer, subject: "sub-other", email: operator.email, emailVerified: true })).toEqual({ refused: "bound_elsewhere" });
    // The same subject at another issuer is another identity.
    expect(await resolveOidcUser({ issuer: "https://other.example.test", subject: "sub-op", email: operator.email, emailVerified: true })).toEqual({ refused: "bound_elsewhere" });
  });

  it("refuses unknown emails and disabled users, bound or not; two first sign-ins at once bind one subject", async () => {
    expect(await resolveOidcUser({ issuer, subject: "nobody", email: "nobody@example.test", emailVerified: true })).toEqual({ refused: "unknown_user" });
    const auditor = await makeOidcUser("auditor");
    const outcomes = await Promise.all(["sub-a", "sub-b"].map((subject) => resolveOidcUser({ issuer, subject, email: auditor.email, emailVerified: true })));
    expect(outcomes.filter((o) => "userId" in o)).toHaveLength(1);
    await getDb().user.update({ where: { id: auditor.user.id }, data: { disabledAt: new Date() } });
    const bound = (await bindingOf(auditor.user.id)).oidcSubject!;
    expect(await resolveOidcUser({ issuer, subject: bound, email: auditor.email, emailVerified: true })).toEqual({ refused: "disabled" });
  });

  it("a signed-in user links their own account, whatever the provider says of the email; the link is theirs alone", async () => {
    const operator = await makeUser("operator");
    const other = await makeUser("operator");
    const principal = await inConsoleSession(operator.user.id);
    const identity = { issuer, subject: `link-${operator.user.id}`, email: "someone-else@example.test", emailVerified: false };
    expect(await linkOidcIdentity(principal, identity)).toEqual({ userId: operator.user.id });
    expect(await bindingOf(operator.user.id)).toEqual({ oidcIssuer: issuer, oidcSubject: identity.subject });
    const linked = await getDb().auditEvent.findFirstOrThrow({ where: { action: "user.oidc_bound", targetId: operator.user.id } });
    expect({ actor: linked.actorId, how: (linked.details as { how: string }).how }).toEqual({ actor: operator.user.id, how: "linked" });
    // From then on that subject signs in as them.
    expect(await resolveOidcUser({ ...identity, emailVerified: undefined })).toEqual({ userId: operator.user.id });
    // Linking again is a no-op; another user cannot take the identity; a linked user cannot link a second one.
    expect(await linkOidcIdentity(principal, identity)).toEqual({ userId: operator.user.id });
    expect(await linkOidcIdentity(await inConsoleSession(other.user.id), identity)).toEqual({ refused: "bound_elsewhere" });
    expect(await linkOidcIdentity(principal, { ...identity, subject: "a-second-one" })).toEqual({ refused: "already_linked" });
    // Not with an API key, and not without a session.
    await expect(linkOidcIdentity({ ...principal, apiKeyId: "key" } as UserPrincipal, { ...identity, subject: "x" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(linkOidcIdentity({ ...other.principal, sessionId: undefined }, { ...identity, subject: "y" })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("a user made for OIDC has no password and cannot be given one at creation", async () => {
    const { user } = await makeOidcUser("operator");
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBeNull();
    await expect(createUser(system, { email: `${uniqueName("x")}@example.test`, role: "auditor", isOidcOnly: true, password: "a password that is long" })).rejects.toMatchObject({ code: "validation_failed" });
  });
});

describe("the second factor after an OIDC sign-in", () => {
  it("reads the provider's MFA from amr or acr, and nothing else", () => {
    expect(providerDidMfa({ amr: ["pwd", "mfa"] })).toBe(true);
    expect(providerDidMfa({ amr: ["pwd", "otp"] })).toBe(true);
    expect(providerDidMfa({ amr: ["hwk", "pin"] })).toBe(true);
    // One method alone is not two factors, whichever it is; presence ("user") is not a factor.
    expect(providerDidMfa({ amr: ["otp"] })).toBe(false);
    expect(providerDidMfa({ amr: ["swk"] })).toBe(false);
    expect(providerDidMfa({ amr: ["hwk", "user"] })).toBe(false);
    expect(providerDidMfa({ acr: "phrh" })).toBe(true);
    expect(providerDidMfa({ acr: "http://schemas.openid.net/pape/policies/2007/06/multi-factor" })).toBe(true);
    expect(providerDidMfa({ amr: ["pwd"] })).toBe(false);
    expect(providerDidMfa({ amr: ["pwd", "sms"] })).toBe(false);
    expect(providerDidMfa({ amr: "mfa" })).toBe(false);
    expect(providerDidMfa({ acr: "1" })).toBe(false);
    expect(providerDidMfa({})).toBe(false);
    expect(providerDidMfa(undefined)).toBe(false);
  });

  it("a user with a local factor owes it after OIDC, unless the provider did MFA", async () => {
    const made = await makeUser("operator");
    const { secret } = await beginTotpEnrolment(made.principal);
    await confirmTotpEnrolment(made.principal, await generate({ secret }));
    const stepAfterOidc = async (didMfa: boolean) => sessionStep(await startSession(made.user.id, {}, "oidc", { secondFactorPassed: didMfa }), made.user.id);
    expect(await stepAfterOidc(false)).toBe("second_factor");
    expect(await stepAfterOidc(true)).toBe("console");
  });

  it("the policy covers OIDC users too: without a factor they set one up, unless the provider did MFA", async () => {
    const admin = await makeOidcUser("admin");
    await setSecondFactorPolicy(system, "admins");
    try {
      const stepAfterOidc = async (didMfa: boolean) => sessionStep(await startSession(admin.user.id, {}, "oidc", { secondFactorPassed: didMfa }), admin.user.id);
      expect(await stepAfterOidc(false)).toBe("setup");
      expect(await stepAfterOidc(true)).toBe("console");
    } finally {
      await setSecondFactorPolicy(system, "off");
    }
    expect(await sessionStep(await startSession(admin.user.id, {}, "oidc"), admin.user.id)).toBe("console");
  });
});
