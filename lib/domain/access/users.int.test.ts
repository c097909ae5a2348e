import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/domain/errors";
import { createUser, listUsers, loadUserPrincipal, updateUser, verifyCredentials } from "@/lib/domain/access/users";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";

describe("users", () => {
  it("an admin creates a user who can then sign in; the password is stored only as an argon2id hash", async () => {
    const admin = await makeUser("admin");
    const frontdoor = await makeFrontdoor();
    const { user, generatedPassword } = await createUser(admin.principal, {
      email: "  New.Operator@Example.TEST ",
      role: "operator",
      frontdoorIds: [frontdoor.id],
    });
    expect(user.email).toBe("new.operator@example.test");
    expect(user.frontdoors).toEqual([{ id: frontdoor.id, name: frontdoor.name }]);
    expect(generatedPassword).toMatch(/^[A-Za-z0-9]{20}$/);

    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain(generatedPassword!);

    expect(await verifyCredentials("NEW.operator@example.test", generatedPassword!)).toEqual({ id: user.id, credentialTag: expect.any(String) });
    expect(await verifyCredentials("new.operator@example.test", "wrong password!!")).toBeNull();
    expect(await verifyCredentials("nobody@example.test", generatedPassword!)).toBeNull();

    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "user.created", targetId: user.id } });
    expect(event.actorId).toBe(admin.user.id);
    expect(JSON.stringify(event.details)).not.toContain(generatedPassword!);
  });

  it("a disabled user cannot sign in and has no principal; enabling restores both", async () => {
    const admin = await makeUser("admin");
    const target = await makeUser("auditor");
    await updateUser(admin.principal, { userId: target.user.id, isDisabled: true });
    expect(await verifyCredentials(target.email, target.password)).toBeNull();
    expect(await loadUserPrincipal({ id: target.user.id })).toBeNull();

    await updateUser(admin.principal, { userId: target.user.id, isDisabled: false });
    expect(await verifyCredentials(target.email, target.password)).toEqual({ id: target.user.id, credentialTag: expect.any(String) });
    const actions = (await getDb().auditEvent.findMany({ where: { targetId: target.user.id }, orderBy: { id: "asc" } })).map(
      (e) => e.action,
    );
    expect(actions).toEqual(["user.created", "user.disabled", "user.enabled"]);
  });

  it("only admins manage users; operators and auditors get forbidden and nothing changes", async () => {
    const frontdoor = await makeFrontdoor();
    const operator = await makeUser("operator", [frontdoor.id]);
    const auditor = await makeUser("auditor");
    for (const actor of [operator, auditor]) {
      await expect(createUser(actor.principal, { email: "x@example.test", role: "admin" })).rejects.toMatchObject({
        code: "forbidden",
      });
      await expect(updateUser(actor.principal, { userId: actor.user.id, role: "admin" })).rejects.toMatchObject({
        code: "forbidden",
      });
      await expect(listUsers(actor.principal)).rejects.toBeInstanceOf(AppError);
    }
    expect(await getDb().user.count({ where: { email: "x@example.test" } })).toBe(0);
    expect((await loadUserPrincipal({ id: operator.user.id }))?.role).toBe("operator");
  });

  it("role and memberships change at once, and an admin cannot lock themselves out", async () => {
    const admin = await makeUser("admin");
    const [a, b] = [await makeFrontdoor(), await makeFrontdoor()];
    const operator = await makeUser("operator", [a.id]);
    await updateUser(admin.principal, { userId: operator.user.id, frontdoorIds: [b.id] });
    expect((await loadUserPrincipal({ id: operator.user.id }))?.frontdoorIds).toEqual([b.id]);
    await updateUser(admin.principal, { userId: operator.user.id, role: "auditor" });
    expect((await loadUserPrincipal({ id: operator.user.id }))?.role).toBe("auditor");

    await expect(updateUser(admin.principal, { userId: admin.user.id, isDisabled: true })).rejects.toMatchObject({ code: "forbidden" });
    await expect(updateUser(admin.principal, { userId: admin.user.id, role: "auditor" })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("rejects bad input with the path of each problem, and duplicates with conflict", async () => {
    const admin = await makeUser("admin");
    await expect(
      createUser(admin.principal, { email: "not-an-email", role: "root" as "admin", password: "short" }),
    ).rejects.toMatchObject({
      code: "validation_failed",
      errors: expect.arrayContaining([
        expect.objectContaining({ path: "email" }),
        expect.objectContaining({ path: "role" }),
        expect.objectContaining({ path: "password" }),
      ]),
    });
    await createUser(system, { email: "dup@example.test", role: "auditor" });
    await expect(createUser(admin.principal, { email: "DUP@example.test", role: "auditor" })).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(
      createUser(admin.principal, { email: "ghost@example.test", role: "operator", frontdoorIds: ["00000000-0000-4000-8000-000000000000"] }),
    ).rejects.toMatchObject({ code: "frontdoor_not_found" });
  });
});
