import { beforeAll, describe, expect, it } from "vitest";
import * as frontdoors from "@/app/api/frontdoors/route";
import { getDb } from "@/lib/db";
import { apiWorld } from "@/lib/testing/api-fixtures";
import { makeFrontdoor, uniqueName } from "@/lib/testing/fixtures";
import { call } from "@/lib/testing/http";
import * as one from "./route";

// The Frontdoor doors (CONTRACT.md, "Trust domains"): who may read, change and create one,
// what each answers, and that a change is audited with its before and after.

let world: Awaited<ReturnType<typeof apiWorld>>;
beforeAll(async () => {
  world = await apiWorld();
});

type Role = "admin" | "operatorA" | "operatorB" | "auditor" | "none";
const keyOf = (role: Role) => (role === "none" ? null : world.keys[role]);
const get = (id: string, role: Role) => call(one.GET, { frontdoorId: id }, { key: keyOf(role) });
const patch = (id: string, role: Role, body: unknown) => call(one.PATCH, { frontdoorId: id }, { method: "PATCH", key: keyOf(role), body });
const create = (role: Role, body: unknown) => call(frontdoors.POST, {}, { method: "POST", key: keyOf(role), body });
const outcome = (res: { status: number; body: { code?: string } }) => [res.status, res.body?.code ?? null];
const updates = (frontdoorId: string) => getDb().auditEvent.findMany({ where: { frontdoorId, action: "frontdoor.updated" }, orderBy: { id: "asc" } });

describe("GET /frontdoor/{id}", () => {
  it("answers admins, auditors and member operators; anyone else as if it did not exist", async () => {
    const { a } = world.frontdoors;
    const expected: Record<Role, unknown[]> = { admin: [200, null], auditor: [200, null], operatorA: [200, null], operatorB: [404, "frontdoor_not_found"], none: [401, "unauthenticated"] };
    for (const [role, answer] of Object.entries(expected)) expect([role, ...outcome(await get(a.id, role as Role))]).toEqual([role, ...answer]);
    expect(outcome(await get(crypto.randomUUID(), "admin"))).toEqual([404, "frontdoor_not_found"]);
    expect(outcome(await get("not-a-uuid", "auditor"))).toEqual([404, "frontdoor_not_found"]);
    expect(outcome(await call(one.GET, { frontdoorId: a.id }, { key: world.keys.revoked }))).toEqual([401, "unauthenticated"]);
  });

  it("returns the settings and the issuing CA of today", async () => {
    const { c } = world.frontdoors;
    const res = await get(c.id, "operatorA");
    const ca = await getDb().certificateAuthority.findFirstOrThrow({ where: { frontdoorId: c.id, kind: "intermediate", retiredAt: null } });
    expect(res.body).toEqual({
      id: c.id,
      name: c.name,
      tcpSharesEnabled: false,
      renewalWindowDays: 30,
      profile: { extendedKeyUsage: ["clientAuth"], keyTypes: ["EC-P256", "EC-P384", "RSA-2048", "RSA-3072", "RSA-4096"], maxValidDays: 825, allowCsrSubjectAltNames: false, allowWildcards: false },
      namePolicy: {},
      approvals: { required: 0 },
      createdAt: c.createdAt.toISOString(),
      memberCount: 1,
      issuingCa: { id: ca.id, generation: 1, notBefore: ca.notBefore.toISOString(), notAfter: ca.notAfter.toISOString() },
      scep: { intune: null },
    });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});

describe("PATCH /frontdoor/{id}", () => {
  it("lets admins only change settings: member operators and auditors are forbidden, others do not see it", async () => {
    const { b } = world.frontdoors;
    const expected: Record<Exclude<Role, "admin">, unknown[]> = { auditor: [403, "forbidden"], operatorB: [403, "forbidden"], operatorA: [404, "frontdoor_not_found"], none: [401, "unauthenticated"] };
    for (const [role, answer] of Object.entries(expected)) {
      expect([role, ...outcome(await patch(b.id, role as Role, { tcpSharesEnabled: false }))]).toEqual([role, ...answer]);
    }
    expect((await getDb().frontdoor.findUniqueOrThrow({ where: { id: b.id } })).tcpSharesEnabled).toBe(true);
    expect(await updates(b.id)).toEqual([]);
  });

  it("changes the approval policy (0–5), audited; out of range is validation_failed at approvals.required", async () => {
    const b = await makeFrontdoor();
    const res = await patch(b.id, "admin", { approvals: { required: 2 } });
    expect([res.status, res.body.approvals]).toEqual([200, { required: 2 }]);
    expect((await getDb().frontdoor.findUniqueOrThrow({ where: { id: b.id }, select: { approvalsRequired: true } })).approvalsRequired).toBe(2);
    expect((await updates(b.id))[0]).toMatchObject({ details: { before: { approvals: { required: 0 } }, after: { approvals: { required: 2 } } } });
    for (const required of [6, -1, 1.5]) {
      const bad = await patch(b.id, "admin", { approvals: { required } });
      expect([bad.status, bad.body.code, bad.body.errors?.[0]?.path]).toEqual([400, "validation_failed", "approvals.required"]);
    }
  });

  it("changes name, TCP shares and renewal window, audited with the before and after of what changed", async () => {
    const b = await makeFrontdoor();
    const name = uniqueName("renamed");
    const res = await patch(b.id, "admin", { name, tcpSharesEnabled: false, renewalWindowDays: 30 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: b.id, name, tcpSharesEnabled: false, renewalWindowDays: 30 });
    expect(await getDb().frontdoor.findUniqueOrThrow({ where: { id: b.id }, select: { name: true, tcpSharesEnabled: true, renewalWindowDays: true } })).toEqual({ name, tcpSharesEnabled: false, renewalWindowDays: 30 });
    const [event] = await updates(b.id);
    // renewalWindowDays was 30 already: not a change, so not in the details.
    expect(event).toMatchObject({ actorKind: "api_key", actorLabel: expect.stringContaining(world.users.admin.email), targetKind: "frontdoor", targetId: b.id, details: { before: { name: b.name, tcpSharesEnabled: true }, after: { name, tcpSharesEnabled: false } } });

    const again = await patch(b.id, "admin", { tcpSharesEnabled: false });
    expect(again.status).toBe(200);
    expect(await updates(b.id)).toHaveLength(1);
  });

  it("refuses a bad body with validation_failed and a taken name with conflict, changing nothing", async () => {
    const { a, b } = world.frontdoors;
    const refusals: [unknown, string][] = [
      [{}, "(root)"],
      [{ renewalWindowDays: 826 }, "renewalWindowDays"],
      [{ renewalWindowDays: 1.5 }, "renewalWindowDays"],
      [{ tcpSharesEnabled: "off" }, "tcpSharesEnabled"],
      [{ name: "" }, "name"],
      [{ tcpShares: false }, "(root)"],
    ];
    for (const [body, path] of refusals) {
      const res = await patch(a.id, "admin", body);
      expect({ body, status: res.status, code: res.body.code, path: res.body.errors?.[0]?.path }).toEqual({ body, status: 400, code: "validation_failed", path });
    }
    expect(outcome(await call(one.PATCH, { frontdoorId: a.id }, { method: "PATCH", key: world.keys.admin, rawBody: "{", headers: { "content-type": "application/json" } }))).toEqual([400, "validation_failed"]);
    expect(outcome(await patch(a.id, "admin", { name: b.name, renewalWindowDays: 3 }))).toEqual([409, "conflict"]);
    expect(outcome(await patch(crypto.randomUUID(), "admin", { renewalWindowDays: 3 }))).toEqual([404, "frontdoor_not_found"]);
    expect(await getDb().frontdoor.findUniqueOrThrow({ where: { id: a.id }, select: { name: true, renewalWindowDays: true } })).toEqual({ name: a.name, renewalWindowDays: 30 });
    expect(await updates(a.id)).toEqual([]);
  });

  it("audits concurrent changes as a chain: each one's before is the one before's after", async () => {
    const { c } = world.frontdoors;
    const days = [1, 2, 3, 4, 5, 6];
    const answers = await Promise.all(days.map((renewalWindowDays) => patch(c.id, "admin", { renewalWindowDays })));
    expect(answers.map((r) => r.status)).toEqual(days.map(() => 200));
    const chain = (await updates(c.id)).map((e) => e.details as { before: { renewalWindowDays: number }; after: { renewalWindowDays: number } });
    expect(chain).toHaveLength(days.length);
    expect(chain[0]!.before.renewalWindowDays).toBe(30);
    for (let i = 1; i < chain.length; i++) expect(chain[i]!.before).toEqual(chain[i - 1]!.after);
    const stored = await getDb().frontdoor.findUniqueOrThrow({ where: { id: c.id } });
    expect(stored.renewalWindowDays).toBe(chain.at(-1)!.after.renewalWindowDays);
  });
});

describe("POST /frontdoors", () => {
  it("lets admins create one with its own issuing CA, audited; others are refused", async () => {
    const name = uniqueName("edge");
    const expected: Record<Exclude<Role, "admin">, unknown[]> = { auditor: [403, "forbidden"], operatorA: [403, "forbidden"], operatorB: [403, "forbidden"], none: [401, "unauthenticated"] };
    for (const [role, answer] of Object.entries(expected)) expect([role, ...outcome(await create(role as Role, { name }))]).toEqual([role, ...answer]);
    expect(await getDb().frontdoor.count({ where: { name } })).toBe(0);

    const res = await create("admin", { name, tcpSharesEnabled: false });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name, tcpSharesEnabled: false, renewalWindowDays: 30, memberCount: 0, issuingCa: { generation: 1 } });
    expect(res.headers.get("location")).toBe(`/frontdoor/${res.body.id}`);
    const ca = await getDb().certificateAuthority.findFirstOrThrow({ where: { frontdoorId: res.body.id, retiredAt: null, kind: "intermediate" } });
    expect(res.body.issuingCa.id).toBe(ca.id);
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { frontdoorId: res.body.id, action: "frontdoor.created" } });
    expect(audit).toMatchObject({ actorKind: "api_key", actorLabel: expect.stringContaining(world.users.admin.email), details: { name, tcpSharesEnabled: false } });
    expect(outcome(await get(res.body.id, "auditor"))).toEqual([200, null]);
  });

  it("refuses a taken name with conflict and a bad body with validation_failed", async () => {
    expect(outcome(await create("admin", { name: world.frontdoors.a.name }))).toEqual([409, "conflict"]);
    for (const body of [{}, { name: "" }, { name: "ok", tcpSharesEnabled: "yes" }, { name: "a/b" }, { name: "ok", renewalWindowDays: 5 }]) {
      expect({ body, answer: outcome(await create("admin", body)) }).toEqual({ body, answer: [400, "validation_failed"] });
    }
    const defaults = await create("admin", { name: uniqueName("defaults") });
    expect(defaults.body.tcpSharesEnabled).toBe(true);
  });
});
