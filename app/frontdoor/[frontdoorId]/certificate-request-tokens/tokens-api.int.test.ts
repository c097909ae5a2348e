import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db";
import { apiWorld } from "@/lib/testing/api-fixtures";
import { call } from "@/lib/testing/http";
import * as one from "./[tokenId]/route";
import * as collection from "./route";

let world: Awaited<ReturnType<typeof apiWorld>>;
beforeAll(async () => {
  world = await apiWorld();
});

const create = (frontdoorId: string, key: string | null, body: unknown) =>
  call(collection.POST, { frontdoorId }, { method: "POST", key, body });

describe("POST /frontdoor/{id}/certificate-request-tokens", () => {
  it("accepts the Frontdoor documentation's request body and answers with the documented fields", async () => {
    const { a } = world.frontdoors;
    const res = await create(a.id, world.keys.admin, {
      name: "Build agent 7",
      commonName: "build-agent-7.ci.example.com",
      organization: "Example Corp",
      organizationalUnit: "CI",
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual(
      expect.objectContaining({
        id: expect.stringMatching(/^token-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        name: "Build agent 7",
        token: expect.stringMatching(/^crt_[0-9A-Za-z]{32}$/),
        frontdoorId: a.id,
        commonName: "build-agent-7.ci.example.com",
        organization: "Example Corp",
        organizationalUnit: "CI",
        validDays: 365,
        status: "active",
        createdBy: world.users.admin.email,
      }),
    );
    const expiresIn = new Date(res.body.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(23.9 * 3600_000);
    expect(expiresIn).toBeLessThanOrEqual(24 * 3600_000);
    expect(res.body.expiresAt).toMatch(/Z$/);
    expect(res.body.redemptionUrl).toBe(`http://localhost:3000/redeem#${a.id}.${res.body.token}`);
    expect(res.body.tokenHint).toBe(`crt_…${res.body.token.slice(-4)}`);
    expect(res.headers.get("location")).toBe(`/frontdoor/${a.id}/certificate-request-tokens/${res.body.id}`);
  });

  it("takes expiresAt up to 30 days ahead and validDays 1–825; blank metadata is stored as absent", async () => {
    const expiresAt = new Date(Date.now() + 29 * 86400_000).toISOString();
    const res = await create(world.frontdoors.a.id, world.keys.operatorA, { name: "x", commonName: "", expiresAt, validDays: 825 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ expiresAt, validDays: 825, commonName: null, organization: null });
  });

  it("answers validation_failed with the path of each problem", async () => {
    const res = await create(world.frontdoors.a.id, world.keys.admin, {
      commonName: "x".repeat(65),
      expiresAt: new Date(Date.now() + 31 * 86400_000).toISOString(),
      validDays: 826,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body).toMatchObject({ code: "validation_failed", status: 400, title: "Validation failed" });
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["commonName", "expiresAt", "name", "validDays"]);

    const past = await create(world.frontdoors.a.id, world.keys.admin, { name: "x", expiresAt: "2020-01-01T00:00:00Z" });
    expect(past.body.errors).toEqual([{ path: "expiresAt", message: "Must be in the future" }]);

    const malformed = await call(collection.POST, { frontdoorId: world.frontdoors.a.id }, {
      method: "POST",
      key: world.keys.admin,
      rawBody: '{"name": "x",',
      headers: { "Content-Type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: "validation_failed", errors: [{ path: "(body)" }] });
  });

  it("refuses bodies over 64 KiB with payload_too_large", async () => {
    const res = await create(world.frontdoors.a.id, world.keys.admin, { name: "x", padding: "y".repeat(65 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("payload_too_large");
  });

  it("refuses with tcp_shares_disabled, saying what to switch on", async () => {
    const res = await create(world.frontdoors.c.id, world.keys.admin, { name: "x" });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("tcp_shares_disabled");
    expect(res.body.detail).toContain("--tcp-shares on");
    expect(await getDb().certificateRequestToken.count({ where: { frontdoorId: world.frontdoors.c.id } })).toBe(0);
  });
});

describe("permission matrix", () => {
  type Who = keyof typeof world.keys | "none" | "garbage";
  const keyFor = (who: Who) => (who === "none" ? null : who === "garbage" ? "cdk_notarealkeyatallnotarealkey" : world.keys[who]);

  it("answers each role as the contract's table says", async () => {
    const { a } = world.frontdoors;
    const seed = await create(a.id, world.keys.admin, { name: "matrix" });
    const expectations: [Who, { create: number; list: number; get: number; patch: number; revoke: number; purge: number }][] = [
      ["admin", { create: 201, list: 200, get: 200, patch: 200, revoke: 204, purge: 200 }],
      ["operatorA", { create: 201, list: 200, get: 200, patch: 200, revoke: 204, purge: 200 }],
      ["operatorB", { create: 404, list: 404, get: 404, patch: 404, revoke: 404, purge: 404 }],
      ["auditor", { create: 403, list: 200, get: 200, patch: 403, revoke: 403, purge: 403 }],
      ["revoked", { create: 401, list: 401, get: 401, patch: 401, revoke: 401, purge: 401 }],
      ["disabledOwner", { create: 401, list: 401, get: 401, patch: 401, revoke: 401, purge: 401 }],
      ["garbage", { create: 401, list: 401, get: 401, patch: 401, revoke: 401, purge: 401 }],
      ["none", { create: 401, list: 401, get: 401, patch: 401, revoke: 401, purge: 401 }],
    ];
    for (const [who, expected] of expectations) {
      const key = keyFor(who);
      // A fresh token per caller, so a successful revoke does not change the next row.
      const target = (await create(a.id, world.keys.admin, { name: `for ${who}` })).body.id as string;
      const params = { frontdoorId: a.id, tokenId: target };
      const got = {
        create: (await create(a.id, key, { name: `by ${who}` })).status,
        list: (await call(collection.GET, { frontdoorId: a.id }, { key })).status,
        get: (await call(one.GET, params, { key })).status,
        patch: (await call(one.PATCH, params, { method: "PATCH", key, body: { name: "renamed" } })).status,
        revoke: (await call(one.DELETE, params, { method: "DELETE", key })).status,
        purge: (await call(collection.DELETE, { frontdoorId: a.id }, { method: "DELETE", key, path: "/?status=expired" })).status,
      };
      expect({ who, ...got }).toEqual({ who, ...expected });
    }
    expect(seed.status).toBe(201);
  });

  it("gives problem bodies with the contract's codes for 401, 403 and 404", async () => {
    const { a } = world.frontdoors;
    const none = await call(collection.GET, { frontdoorId: a.id }, {});
    expect(none.body).toMatchObject({ code: "unauthenticated", status: 401 });
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    const forbidden = await create(a.id, world.keys.auditor, { name: "x" });
    expect(forbidden.body).toMatchObject({ code: "forbidden", status: 403 });
    const unknown = await call(collection.GET, { frontdoorId: "00000000-0000-4000-8000-000000000000" }, { key: world.keys.admin });
    expect(unknown.body).toMatchObject({ code: "frontdoor_not_found", status: 404 });
    const notUuid = await call(collection.GET, { frontdoorId: "default" }, { key: world.keys.admin });
    expect(notUuid.body).toMatchObject({ code: "frontdoor_not_found" });
    const otherTenant = await call(collection.GET, { frontdoorId: a.id }, { key: world.keys.operatorB });
    expect(otherTenant.body).toMatchObject({ code: "frontdoor_not_found" });
    const noToken = await call(one.GET, { frontdoorId: a.id, tokenId: "token-00000000-0000-4000-8000-000000000000" }, { key: world.keys.admin });
    expect(noToken.body).toMatchObject({ code: "token_not_found", status: 404 });
  });

  it("does not let a token be read through another Frontdoor's path", async () => {
    const token = (await create(world.frontdoors.a.id, world.keys.admin, { name: "tenant-a" })).body;
    const viaB = await call(one.GET, { frontdoorId: world.frontdoors.b.id, tokenId: token.id }, { key: world.keys.admin });
    expect(viaB.status).toBe(404);
    expect(viaB.body.code).toBe("token_not_found");
  });
});

describe("PATCH and DELETE of a token", () => {
  it("extends, renames and expires an active token; then refuses changes with token_not_active", async () => {
    const { a } = world.frontdoors;
    const token = (await create(a.id, world.keys.operatorA, { name: "patch me" })).body;
    const params = { frontdoorId: a.id, tokenId: token.id };
    const later = new Date(Date.now() + 7 * 86400_000).toISOString();
    const extended = await call(one.PATCH, params, { method: "PATCH", key: world.keys.operatorA, body: { expiresAt: later, organizationalUnit: "Ops" } });
    expect(extended.status).toBe(200);
    expect(extended.body).toMatchObject({ expiresAt: later, organizationalUnit: "Ops", status: "active" });

    const before = Date.now();
    const expired = await call(one.PATCH, params, { method: "PATCH", key: world.keys.operatorA, body: { expiresAt: new Date().toISOString() } });
    expect(expired.body.status).toBe("expired");
    expect(new Date(expired.body.expiresAt).getTime()).toBeGreaterThanOrEqual(before - 1000);

    const again = await call(one.PATCH, params, { method: "PATCH", key: world.keys.operatorA, body: { name: "too late" } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: "token_not_active" });
    expect(again.body.detail).toContain("expired");

    const events = await getDb().auditEvent.findMany({ where: { targetId: token.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["token.created", "token.updated", "token.expired"]);
    expect(events[1]?.actorKind).toBe("api_key");
    expect(events[1]?.actorLabel).toMatch(new RegExp(`^${world.users.operatorA.email.replace(".", "\\.")} \\(key cdk_\\w+…, made by the CLI\\)$`));
  });

  it("revokes with 204, keeps the history, and refuses a second revoke", async () => {
    const { a } = world.frontdoors;
    const token = (await create(a.id, world.keys.admin, { name: "revoke me" })).body;
    const params = { frontdoorId: a.id, tokenId: token.id };
    const res = await call(one.DELETE, params, { method: "DELETE", key: world.keys.admin });
    expect(res.status).toBe(204);
    const after = await call(one.GET, params, { key: world.keys.auditor });
    expect(after.body).toMatchObject({ status: "revoked", revokedBy: world.users.admin.email });
    expect(after.body.revokedAt).toEqual(expect.any(String));
    const twice = await call(one.DELETE, params, { method: "DELETE", key: world.keys.admin });
    expect(twice.body.code).toBe("token_not_active");
    const patch = await call(one.PATCH, params, { method: "PATCH", key: world.keys.admin, body: { name: "x" } });
    expect(patch.body.code).toBe("token_not_active");
  });

  it("rejects unknown fields in a PATCH body", async () => {
    const token = (await create(world.frontdoors.a.id, world.keys.admin, { name: "strict" })).body;
    const res = await call(one.PATCH, { frontdoorId: world.frontdoors.a.id, tokenId: token.id }, {
      method: "PATCH",
      key: world.keys.admin,
      body: { redeemedAt: new Date().toISOString() },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("validation_failed");
  });
});

describe("DELETE /frontdoor/{id}/certificate-request-tokens (purge)", () => {
  it("refuses a retention under an hour or over ten years as validation_failed, deleting nothing", async () => {
    const frontdoorId = world.frontdoors.a.id;
    const expired = (await create(frontdoorId, world.keys.admin, { name: "expired a minute ago" })).body;
    await getDb().certificateRequestToken.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    for (const olderThan of ["P99999999999D", "PT0S", "PT59M", "P3651D"]) {
      const res = await call(collection.DELETE, { frontdoorId }, { method: "DELETE", key: world.keys.admin, path: `/?status=expired&olderThan=${olderThan}` });
      expect([olderThan, res.status, res.body.code]).toEqual([olderThan, 400, "validation_failed"]);
      expect(res.body.errors).toEqual([{ path: "olderThan", message: expect.stringMatching(/from 1 hour .* to 10 years/) }]);
    }
    expect(await getDb().certificateRequestToken.count({ where: { id: expired.id } })).toBe(1);
    const hour = await call(collection.DELETE, { frontdoorId }, { method: "DELETE", key: world.keys.admin, path: "/?status=expired&olderThan=PT1H&dryRun=true" });
    expect(hour.status).toBe(200);
  });
});

describe("the secret", () => {
  it("appears only in the create response: not in the database, list, get, audit log or server log", async () => {
    const logged: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" "))),
    );
    try {
      const { a } = world.frontdoors;
      const created = (await create(a.id, world.keys.admin, { name: "secret keeper" })).body;
      const secret: string = created.token;
      const list = await call(collection.GET, { frontdoorId: a.id }, { key: world.keys.admin, path: "/?size=100" });
      const get = await call(one.GET, { frontdoorId: a.id, tokenId: created.id }, { key: world.keys.admin });
      // A failing request whose path carries the secret must not log it either.
      await call(one.GET, { frontdoorId: a.id, tokenId: secret }, { key: world.keys.admin });

      expect(JSON.stringify(list.body)).not.toContain(secret);
      expect(JSON.stringify(get.body)).not.toContain(secret.slice(4));
      expect(get.body.token).toBeUndefined();
      expect(get.body.tokenHint).toBe(`crt_…${secret.slice(-4)}`);

      const dump = await getDb().$queryRaw<{ row: string }[]>`
        SELECT row_to_json(t)::text AS row FROM "CertificateRequestToken" t
        UNION ALL SELECT row_to_json(e)::text FROM "AuditEvent" e`;
      const everything = dump.map((d) => d.row).join("\n");
      expect(everything).toContain(created.id);
      expect(everything).not.toContain(secret.slice(4));
      expect(logged.join("\n")).not.toContain(secret.slice(4));
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
