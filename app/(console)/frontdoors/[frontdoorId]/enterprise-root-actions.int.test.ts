import { beforeAll, describe, expect, it, vi } from "vitest";
import { importIssuingCaAction, requestIssuingCaAction } from "@/app/(console)/frontdoors/[frontdoorId]/enterprise-root-actions";
import { getDb } from "@/lib/db";
import { apiWorld } from "@/lib/testing/api-fixtures";
import { enterprisePki } from "@/lib/testing/enterprise-root";
import { sessionCookie, setRequestHeaders } from "@/lib/testing/next-headers";

// The Frontdoor page's enterprise-root steps call these actions; a hostile client can call
// them directly with anything. Each authenticates itself, and the domain lets only
// administrators make a request or import, with the CLI's refusals as ActionResult codes.

vi.mock("next/headers", () => import("@/lib/testing/next-headers"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

let world: Awaited<ReturnType<typeof apiWorld>>;
const pki = enterprisePki();
const root = pki.root();
const pendingCount = () => getDb().pendingIssuingCa.count();
const caCount = () => getDb().certificateAuthority.count();
beforeAll(async () => {
  world = await apiWorld();
});

describe("enterprise root actions", () => {
  it("signed out, or as an operator or auditor: refused, nothing requested or imported", async () => {
    const before = { pending: await pendingCount(), cas: await caCount() };
    setRequestHeaders({});
    expect(await requestIssuingCaAction(world.frontdoors.a.id, {})).toMatchObject({ ok: false, code: "unauthenticated" });
    expect(await importIssuingCaAction(world.frontdoors.a.id, { certificatePem: root.pem })).toMatchObject({ ok: false, code: "unauthenticated" });
    for (const user of [world.users.operatorA, world.users.auditor]) {
      setRequestHeaders({ cookie: await sessionCookie(user.user.id) });
      expect(await requestIssuingCaAction(world.frontdoors.a.id, {})).toMatchObject({ ok: false, code: "forbidden" });
      expect(await importIssuingCaAction(world.frontdoors.a.id, { certificatePem: root.pem })).toMatchObject({ ok: false, code: "forbidden" });
    }
    expect({ pending: await pendingCount(), cas: await caCount() }).toEqual(before);
  });

  it("as an administrator: a bad id is frontdoor_not_found, a bad subject a field error, a refusal its code; then the signed certificate imports", async () => {
    setRequestHeaders({ cookie: await sessionCookie(world.users.admin.user.id) });
    for (const id of ["00000000-0000-4000-8000-000000000000", "\u0000", 42, null, { toString: {} }]) {
      expect(await requestIssuingCaAction(id as string, {})).toMatchObject({ ok: false, code: "frontdoor_not_found" });
    }
    expect(await requestIssuingCaAction(world.frontdoors.a.id, { subject: "O=only" })).toMatchObject({ ok: false, code: "validation_failed", fieldErrors: { subject: "The subject needs a CN (common name)." } });
    expect(await requestIssuingCaAction(world.frontdoors.a.id, { subject: "CN=x", extra: 1 } as never)).toMatchObject({ ok: false, code: "validation_failed" });

    const request = await requestIssuingCaAction(world.frontdoors.a.id, { subject: "" });
    expect(request).toMatchObject({ ok: true, data: { frontdoorId: world.frontdoors.a.id, replacedId: null } });
    const csrPem = request.ok ? request.data.csrPem : "";
    const notACa = await importIssuingCaAction(world.frontdoors.a.id, { certificatePem: pki.signRequest(csrPem, root, ["basicConstraints=critical,CA:false"]), chainPem: root.pem });
    expect(notACa).toMatchObject({ ok: false, code: "ca_import_not_a_ca" });
    const imported = await importIssuingCaAction(world.frontdoors.a.id, { certificatePem: pki.signRequest(csrPem, root), chainPem: root.pem });
    expect(imported).toMatchObject({ ok: true, data: { current: { generation: 2 }, enterpriseRoot: { subject: "O=Example Corp, CN=Example Enterprise Root" } } });
  });
});
