import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from "@/lib/domain/access/api-keys";
import { createToken } from "@/lib/domain/tokens";
import { updateUser } from "@/lib/domain/access/users";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";

describe("API keys", () => {
  it("a user creates their own key, shown once, which acts with their role and memberships", async () => {
    const frontdoor = await makeFrontdoor();
    const operator = await makeUser("operator", [frontdoor.id]);
    const created = await createApiKey(operator.principal, { name: "laptop" });
    expect(created).toMatchObject({ name: "laptop", owner: operator.email, prefix: created.key.slice(0, 10), lastUsedAt: null });
    const principal = await authenticateApiKey(created.key, { ip: "192.0.2.1" });
    expect(principal).toMatchObject({ userId: operator.user.id, role: "operator", frontdoorIds: [frontdoor.id], apiKeyId: created.id });
    const row = await getDb().apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.lastUsedAt).not.toBeNull();
    expect(row.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await listApiKeys(operator.principal))).not.toContain(created.key);
  });

  it("only admins create keys for others; lists are scoped; revoke and disabling the owner both end the key", async () => {
    const admin = await makeUser("admin");
    const operator = await makeUser("operator");
    const other = await makeUser("operator");
    await expect(createApiKey(operator.principal, { name: "x", ownerEmail: other.email })).rejects.toMatchObject({ code: "forbidden" });
    const forOther = await createApiKey(admin.principal, { name: "for other", ownerEmail: other.email });
    const own = await createApiKey(operator.principal, { name: "own" });

    expect((await listApiKeys(operator.principal)).map((k) => k.id)).toEqual([own.id]);
    expect((await listApiKeys(admin.principal)).map((k) => k.id)).toEqual(expect.arrayContaining([own.id, forOther.id]));
    await expect(revokeApiKey(operator.principal, forOther.id)).rejects.toMatchObject({ code: "api_key_not_found" });

    const revoked = await revokeApiKey(operator.principal, own.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect(await authenticateApiKey(own.key)).toBeNull();

    expect(await authenticateApiKey(forOther.key)).not.toBeNull();
    await updateUser(system, { userId: other.user.id, isDisabled: true });
    expect(await authenticateApiKey(forOther.key)).toBeNull();
    expect(await authenticateApiKey("cdk_thisisnotakeythisisnotakey")).toBeNull();
    expect(await authenticateApiKey("not even the shape")).toBeNull();

    const auditor = await makeUser("auditor");
    await expect(createApiKey(auditor.principal, { name: "mine" })).rejects.toMatchObject({ code: "forbidden" });
    const forAuditor = await createApiKey(admin.principal, { name: "read-only export", ownerEmail: auditor.email });
    await expect(revokeApiKey(auditor.principal, forAuditor.id)).rejects.toMatchObject({ code: "forbidden" });
    expect((await authenticateApiKey(forAuditor.key))?.role).toBe("auditor");
  });

  it("a key made for someone else records who made it, and every audit event made with it says so", async () => {
    const frontdoor = await makeFrontdoor();
    const admin = await makeUser("admin");
    const bob = await makeUser("operator", [frontdoor.id]);
    const key = await createApiKey(admin.principal, { name: "made for bob", ownerEmail: bob.email });
    expect(key.createdBy).toBe(admin.email);
    expect((await listApiKeys(admin.principal)).find((k) => k.id === key.id)?.createdBy).toBe(admin.email);
    const fromCli = await createApiKey(system, { name: "from the cli", ownerEmail: bob.email });
    expect(fromCli.createdBy).toBeNull();

    const asBob = await authenticateApiKey(key.key, { ip: "192.0.2.9" });
    const token = await createToken(asBob!, frontdoor.id, { name: "made with a key" });
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "token.created", targetId: token.id } });
    expect(event.actorKind).toBe("api_key");
    expect(event.actorId).toBe(key.id);
    expect(event.actorLabel).toBe(`${bob.email} (key ${key.prefix}…, made by ${admin.email})`);
    const ownKey = await createApiKey(bob.principal, { name: "bob's own" });
    const own = await createToken((await authenticateApiKey(ownKey.key))!, frontdoor.id, { name: "own key" });
    expect((await getDb().auditEvent.findFirstOrThrow({ where: { targetId: own.id } })).actorLabel).toBe(`${bob.email} (key ${ownKey.prefix}…, made by ${bob.email})`);
  });
});
