import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { resolveOidcUser } from "@/lib/domain/oidc-accounts";
import { makeUser } from "@/lib/testing/fixtures";

const issuer = "https://idp.example.test";

describe("which user an OIDC sign-in is", () => {
  it("refuses an email the provider does not vouch for (claim missing or false), even for an existing admin", async () => {
    const admin = await makeUser("admin");
    expect(await resolveOidcUser({ issuer, subject: "attacker-1", email: admin.email, emailVerified: undefined })).toEqual({ refused: "unverified_email" });
    expect(await resolveOidcUser({ issuer, subject: "attacker-1", email: admin.email, emailVerified: false })).toEqual({ refused: "unverified_email" });
    expect(await resolveOidcUser({ issuer, subject: "attacker-1", email: admin.email, emailVerified: "true" })).toEqual({ refused: "unverified_email" });
    expect((await getDb().user.findUniqueOrThrow({ where: { id: admin.user.id } })).oidcSubject).toBeNull();
  });

  it("binds on the first verified sign-in; later the subject decides and a changed email moves nothing", async () => {
    const operator = await makeUser("operator");
    const admin = await makeUser("admin");
    expect(await resolveOidcUser({ issuer, subject: "sub-op", email: operator.email.toUpperCase(), emailVerified: true })).toEqual({ userId: operator.user.id });
    expect(await getDb().user.findUniqueOrThrow({ where: { id: operator.user.id }, select: { oidcIssuer: true, oidcSubject: true } })).toEqual({ oidcIssuer: issuer, oidcSubject: "sub-op" });
    expect(await getDb().auditEvent.count({ where: { action: "user.oidc_bound", targetId: operator.user.id } })).toBe(1);

    // The operator changes their email at the provider to the admin's: still the operator.
    expect(await resolveOidcUser({ issuer, subject: "sub-op", email: admin.email, emailVerified: true })).toEqual({ userId: operator.user.id });
    // Another provider account claiming the operator's email cannot take the bound account.
    expect(await resolveOidcUser({ issuer, subject: "sub-other", email: operator.email, emailVerified: true })).toEqual({ refused: "bound_elsewhere" });
    // The same subject at another issuer is another identity.
    expect(await resolveOidcUser({ issuer: "https://other.example.test", subject: "sub-op", email: operator.email, emailVerified: true })).toEqual({ refused: "bound_elsewhere" });
  });

  it("refuses unknown emails and disabled users, bound or not; two first sign-ins at once bind one subject", async () => {
    expect(await resolveOidcUser({ issuer, subject: "nobody", email: "nobody@example.test", emailVerified: true })).toEqual({ refused: "unknown_user" });
    const auditor = await makeUser("auditor");
    const outcomes = await Promise.all(["sub-a", "sub-b"].map((subject) => resolveOidcUser({ issuer, subject, email: auditor.email, emailVerified: true })));
    expect(outcomes.filter((o) => "userId" in o)).toHaveLength(1);
    await getDb().user.update({ where: { id: auditor.user.id }, data: { disabledAt: new Date() } });
    const bound = (await getDb().user.findUniqueOrThrow({ where: { id: auditor.user.id } })).oidcSubject!;
    expect(await resolveOidcUser({ issuer, subject: bound, email: auditor.email, emailVerified: true })).toEqual({ refused: "disabled" });
  });
});
