import { beforeAll, describe, expect, it, vi } from "vitest";
import { rotateCaAction } from "@/app/(console)/frontdoors/actions";
import { getDb } from "@/lib/db";
import { apiWorld } from "@/lib/testing/api-fixtures";
import { sessionCookie, setRequestHeaders } from "@/lib/testing/next-headers";

// The console's rotate button calls this action; a hostile client can call it directly with
// anything. The action authenticates itself and the domain decides: only administrators
// rotate, and nothing else ever reaches the database as a Frontdoor id.

vi.mock("next/headers", () => import("@/lib/testing/next-headers"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

let world: Awaited<ReturnType<typeof apiWorld>>;
const caCount = () => getDb().certificateAuthority.count();
beforeAll(async () => {
  world = await apiWorld();
});

describe("rotateCaAction", () => {
  it("signed out, or as an operator or auditor: refused, nothing rotated", async () => {
    const before = await caCount();
    setRequestHeaders({});
    expect(await rotateCaAction(world.frontdoors.a.id)).toMatchObject({ ok: false, code: "unauthenticated" });
    for (const user of [world.users.operatorA, world.users.auditor]) {
      setRequestHeaders({ cookie: await sessionCookie(user.user.id) });
      expect(await rotateCaAction(world.frontdoors.a.id)).toMatchObject({ ok: false, code: "forbidden" });
    }
    expect(await caCount()).toBe(before);
  });

  it("as an administrator: rotates a real Frontdoor; anything else is frontdoor_not_found, never internal", async () => {
    setRequestHeaders({ cookie: await sessionCookie(world.users.admin.user.id) });
    const before = await caCount();
    for (const id of ["00000000-0000-4000-8000-000000000000", "\u0000", "", 42, null, { toString: {} }, ["x"]]) {
      expect(await rotateCaAction(id as string)).toMatchObject({ ok: false, code: "frontdoor_not_found" });
    }
    expect(await caCount()).toBe(before);
    const result = await rotateCaAction(world.frontdoors.a.id);
    expect(result).toMatchObject({ ok: true, data: { frontdoorId: world.frontdoors.a.id, current: { generation: 2 } } });
    expect(await caCount()).toBe(before + 1);
  });
});
