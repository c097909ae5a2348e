import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { apiWorld } from "@/lib/testing/api-fixtures";
import { call } from "@/lib/testing/http";
import * as deliveries from "./[webhookId]/deliveries/route";
import * as one from "./[webhookId]/route";
import * as collection from "./route";

// The webhook management doors: who may register, list, read the log and remove, what a
// registration answers (the secret once, encrypted at rest), and which targets are refused.

let world: Awaited<ReturnType<typeof apiWorld>>;
beforeAll(async () => {
  world = await apiWorld();
});
afterEach(() => void Object.assign(env, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: false }));

const allowPrivate = () => Object.assign(env, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: true });
const register = (frontdoorId: string, key: string | null, body: unknown) => call(collection.POST, { frontdoorId }, { method: "POST", key, body });
const list = (frontdoorId: string, key: string | null) => call(collection.GET, { frontdoorId }, { key });

describe("POST /frontdoor/{id}/webhooks", () => {
  it("registers an endpoint and shows its secret only in the answer; the database holds it encrypted", async () => {
    allowPrivate();
    const { a } = world.frontdoors;
    const res = await register(a.id, world.keys.admin, { url: "http://127.0.0.1:9/hooks", events: ["certificate.issued", "token.created"], description: "SIEM" });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^wh-[0-9a-f-]{36}$/),
      frontdoorId: a.id,
      url: "http://127.0.0.1:9/hooks",
      description: "SIEM",
      // In the contract's order, whatever the request's.
      events: ["token.created", "certificate.issued"],
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      enabled: true,
      createdAt: expect.any(String),
      failingSince: null,
      disabledAt: null,
      disabledReason: null,
    });
    expect(Buffer.from(res.body.secret.slice(6), "base64")).toHaveLength(32);
    expect(res.headers.get("location")).toBe(`/frontdoor/${a.id}/webhooks/${res.body.id}`);

    const stored = await getDb().webhook.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(stored.encryptedSecret).toMatch(/^v1\./);
    expect(stored.encryptedSecret).not.toContain(res.body.secret.slice(6, 20));
    const listed = await list(a.id, world.keys.auditor);
    expect(listed.status).toBe(200);
    expect(listed.body).toContainEqual(expect.objectContaining({ id: res.body.id, enabled: true }));
    expect(JSON.stringify(listed.body)).not.toContain("whsec_");
    expect(JSON.stringify(listed.body)).not.toContain("encryptedSecret");

    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { action: "webhook.created", targetId: res.body.id } });
    expect(audit.details).toEqual({ origin: "http://127.0.0.1:9", events: ["token.created", "certificate.issued"] });
  });

  it("refuses loopback, private and link-local targets, and plain http, unless WEBHOOK_ALLOW_PRIVATE_NETWORKS=true", async () => {
    const { a } = world.frontdoors;
    const refusals = [
      "http://127.0.0.1:8080/hooks",
      "https://127.0.0.1/hooks",
      "https://localhost/hooks",
      "https://10.1.2.3/hooks",
      "https://169.254.169.254/latest/meta-data",
      "https://[::1]/hooks",
      "https://[::ffff:127.0.0.1]/hooks",
      "https://[fd00::1]/hooks",
      "https://100.64.0.1/hooks",
      "https://0.0.0.0/hooks",
      "ftp://hooks.example.com/",
      "https://user:pass@hooks.example.com/",
    ];
    for (const url of refusals) {
      const res = await register(a.id, world.keys.admin, { url, events: ["token.created"] });
      expect({ url, status: res.status, code: res.body.code }).toEqual({ url, status: 400, code: "webhook_target_refused" });
    }
    const loopback = await register(a.id, world.keys.admin, { url: "https://127.0.0.1/hooks", events: ["token.created"] });
    expect(loopback.body.detail).toMatch(/127\.0\.0\.1 is not globally reachable \(Loopback, 127\.0\.0\.0\/8/);
    const named = await register(a.id, world.keys.admin, { url: "https://localhost/hooks", events: ["token.created"] });
    expect(named.body.detail).toMatch(/^localhost resolves to an address webhooks may not reach \((127\.0\.0\.1|::1) is /);
    expect(await getDb().webhook.count({ where: { url: { in: refusals } } })).toBe(0);

    allowPrivate();
    expect((await register(a.id, world.keys.admin, { url: "http://127.0.0.1:8080/hooks", events: ["token.created"] })).status).toBe(201);
  });

  it("validates the body", async () => {
    const res = await register(world.frontdoors.a.id, world.keys.admin, { url: "not a url", events: ["token.exploded"] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("validation_failed");
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["events[0]", "url"]);
    const none = await register(world.frontdoors.a.id, world.keys.admin, { url: "https://hooks.example.com/", events: [] });
    expect(none.body.errors).toEqual([{ path: "events", message: "Choose at least one event" }]);
  });
});

describe("who may do what", () => {
  it("only admins register and remove; admins and auditors list and read logs; operators neither", async () => {
    allowPrivate();
    const { a, b } = world.frontdoors;
    const body = { url: "http://127.0.0.1:9/who", events: ["token.revoked"] };
    expect((await register(a.id, world.keys.operatorA, body)).body.code).toBe("forbidden");
    expect((await register(a.id, world.keys.auditor, body)).body.code).toBe("forbidden");
    expect((await register(a.id, world.keys.operatorB, body)).body.code).toBe("frontdoor_not_found");
    expect((await register(a.id, null, body)).status).toBe(401);
    expect((await register(a.id, world.keys.revoked, body)).status).toBe(401);

    const created = (await register(a.id, world.keys.admin, body)).body;
    const params = { frontdoorId: a.id, webhookId: created.id };
    expect((await list(a.id, world.keys.operatorA)).status).toBe(403);
    expect((await list(a.id, world.keys.auditor)).status).toBe(200);
    expect((await call(deliveries.GET, params, { key: world.keys.auditor })).body).toEqual([]);
    expect((await call(deliveries.GET, params, { key: world.keys.operatorA })).status).toBe(403);
    expect((await call(one.DELETE, params, { method: "DELETE", key: world.keys.auditor })).status).toBe(403);
    expect((await call(one.DELETE, params, { method: "DELETE", key: world.keys.operatorA })).status).toBe(403);

    // Another Frontdoor's path does not reach it, even for an admin (who sees every Frontdoor).
    const elsewhere = { frontdoorId: b.id, webhookId: created.id };
    expect((await call(one.DELETE, elsewhere, { method: "DELETE", key: world.keys.admin })).body.code).toBe("webhook_not_found");
    expect((await call(deliveries.GET, elsewhere, { key: world.keys.admin })).body.code).toBe("webhook_not_found");
    expect((await list(b.id, world.keys.admin)).body).not.toContainEqual(expect.objectContaining({ id: created.id }));

    expect((await call(one.DELETE, params, { method: "DELETE", key: world.keys.admin })).status).toBe(204);
    expect((await call(one.DELETE, params, { method: "DELETE", key: world.keys.admin })).body.code).toBe("webhook_not_found");
    expect(await getDb().auditEvent.count({ where: { action: "webhook.deleted", targetId: created.id } })).toBe(1);
  });
});
