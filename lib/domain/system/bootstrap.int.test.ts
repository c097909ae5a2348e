import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { bootstrap } from "@/lib/domain/system/bootstrap";
import { verifyCredentials } from "@/lib/domain/access/users";

describe("first-start bootstrap", () => {
  it("creates the first admin and the default Frontdoor once, even when instances start together", async () => {
    const results = await Promise.all([
      bootstrap({ adminEmail: "First@Admin.test" }),
      bootstrap({ adminEmail: "First@Admin.test" }),
      bootstrap({ adminEmail: "First@Admin.test" }),
    ]);
    const creators = results.filter((r) => r.admin.created);
    expect(creators).toHaveLength(1);
    const password = creators[0]!.admin.generatedPassword!;
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(results.filter((r) => r.defaultFrontdoor?.created)).toHaveLength(1);

    const db = getDb();
    expect(await db.user.count()).toBe(1);
    const frontdoors = await db.frontdoor.findMany();
    expect(frontdoors.map((f) => [f.name, f.tcpSharesEnabled])).toEqual([["default", true]]);
    expect(await verifyCredentials("first@admin.test", password)).not.toBeNull();
    // The default Frontdoor is a trust domain of its own: one root, signing only its issuing CA, and no installation root.
    const cas = await db.certificateAuthority.findMany({ select: { kind: true, frontdoorId: true, parentId: true, id: true, isSharedRoot: true } });
    const root = cas.find((c) => c.kind === "root")!;
    expect(cas).toHaveLength(2);
    expect(cas.find((c) => c.kind === "intermediate")).toMatchObject({ frontdoorId: frontdoors[0]!.id, parentId: root.id });
    expect(root.isSharedRoot).toBe(false);

    const again = await bootstrap({ adminEmail: "first@admin.test" });
    expect(again.admin).toEqual({ email: "first@admin.test", created: false });
    expect(again.defaultFrontdoor).toEqual({ id: frontdoors[0]!.id, name: "default", created: false });
  });
});

describe("first-start bootstrap with a configured admin", () => {
  it("names ADMIN_PASSWORD when the configured password is too short", async () => {
    const { getDb } = await import("@/lib/db");
    await getDb().user.deleteMany();
    await expect(bootstrap({ adminEmail: "short@example.test", adminPassword: "short" })).rejects.toThrow(/ADMIN_PASSWORD: Use at least 12 characters/);
  });
});
