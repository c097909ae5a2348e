import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { createFrontdoor, getFrontdoor, listFrontdoors, updateFrontdoor } from "@/lib/domain/frontdoors";
import { makeFrontdoor, makeUser, uniqueName } from "@/lib/testing/fixtures";
import { openssl, tempDir } from "@/lib/testing/openssl";

function verifyChain(intermediatePem: string, rootPem: string): string {
  const dir = tempDir();
  writeFileSync(`${dir}/root.pem`, rootPem);
  writeFileSync(`${dir}/ca.pem`, intermediatePem);
  return openssl(["verify", "-CAfile", `${dir}/root.pem`, `${dir}/ca.pem`]);
}

describe("frontdoors", () => {
  it("an admin creates a Frontdoor and switches TCP shares; both are audited", async () => {
    const admin = await makeUser("admin");
    const name = uniqueName("edge");
    const created = await createFrontdoor(admin.principal, { name });
    expect(created).toMatchObject({ name, tcpSharesEnabled: true, memberCount: 0 });
    const off = await updateFrontdoor(admin.principal, created.id, { tcpSharesEnabled: false });
    expect(off.tcpSharesEnabled).toBe(false);
    expect((await getDb().frontdoor.findUniqueOrThrow({ where: { id: created.id } })).tcpSharesEnabled).toBe(false);
    const actions = await getDb().auditEvent.findMany({ where: { frontdoorId: created.id, action: { startsWith: "frontdoor." } }, orderBy: { id: "asc" } });
    expect(actions.map((a) => [a.action, a.actorId])).toEqual([
      ["frontdoor.created", admin.user.id],
      ["frontdoor.updated", admin.user.id],
    ]);
  });

  it("a new Frontdoor gets its own root and an issuing CA signed by it, with its keys encrypted", async () => {
    const admin = await makeUser("admin");
    const created = await createFrontdoor(admin.principal, { name: uniqueName("ca") });
    const ca = await getDb().certificateAuthority.findFirstOrThrow({ where: { frontdoorId: created.id } });
    const root = await getDb().certificateAuthority.findUniqueOrThrow({ where: { id: ca.parentId! } });
    expect(root).toMatchObject({ kind: "root", isSharedRoot: false, frontdoorId: null });
    expect(root.subject).toContain(created.id);
    expect(root.encryptedPrivateKey).toMatch(/^v1\./);
    // Its root signs nothing of any other Frontdoor.
    expect(await getDb().certificateAuthority.count({ where: { parentId: root.id } })).toBe(1);
    expect(ca).toMatchObject({ kind: "intermediate", keyAlgorithm: "EC-P256" });
    expect(ca.encryptedPrivateKey).toMatch(/^v1\./);
    expect(ca.encryptedPrivateKey).not.toContain("PRIVATE KEY");
    expect(ca.subject).toContain(created.id);
    expect(verifyChain(ca.certificatePem, root.certificatePem)).toContain("OK");
  });

  it("auditors and operators cannot create Frontdoors or switch TCP shares", async () => {
    const frontdoor = await makeFrontdoor();
    const operator = await makeUser("operator", [frontdoor.id]);
    const auditor = await makeUser("auditor");
    const name = uniqueName("nope");
    for (const actor of [operator, auditor]) {
      await expect(createFrontdoor(actor.principal, { name })).rejects.toMatchObject({ code: "forbidden" });
      await expect(updateFrontdoor(actor.principal, frontdoor.id, { tcpSharesEnabled: false })).rejects.toMatchObject({
        code: "forbidden",
      });
    }
    expect(await getDb().frontdoor.count({ where: { name } })).toBe(0);
    expect((await getDb().frontdoor.findUniqueOrThrow({ where: { id: frontdoor.id } })).tcpSharesEnabled).toBe(true);
  });

  it("operators see only their Frontdoors; another tenant's id is not found, not forbidden", async () => {
    const [mine, other] = [await makeFrontdoor(), await makeFrontdoor()];
    const operator = await makeUser("operator", [mine.id]);
    const auditor = await makeUser("auditor");
    expect((await listFrontdoors(operator.principal)).map((f) => f.id)).toEqual([mine.id]);
    await expect(getFrontdoor(operator.principal, other.id)).rejects.toMatchObject({ code: "frontdoor_not_found", status: 404 });
    await expect(getFrontdoor(operator.principal, "not-a-uuid")).rejects.toMatchObject({ code: "frontdoor_not_found" });
    const seenByAuditor = (await listFrontdoors(auditor.principal)).map((f) => f.id);
    expect(seenByAuditor).toEqual(expect.arrayContaining([mine.id, other.id]));
  });

  it("refuses a duplicate name with conflict", async () => {
    const admin = await makeUser("admin");
    const existing = await makeFrontdoor();
    await expect(createFrontdoor(admin.principal, { name: existing.name })).rejects.toMatchObject({ code: "conflict" });
  });
});
