import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { createApiKey } from "@/lib/domain/access/api-keys";
import { createToken, revokeToken } from "@/lib/domain/tokens";
import { metrics } from "@/lib/observability/metrics";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";
import { answerOf, call, fromAddress } from "@/lib/testing/http";
import { type LeanServer, ROUTE_HANDLERS, serveLeanDoors } from "@/lib/testing/lean-server";
import { leanDoorOf } from "./lean-doors.mjs";
import { opensslCsr } from "@/lib/testing/openssl";

// The lean path (bin/lean-doors.mjs) must answer exactly as the route handler does when
// Next.js calls it: the same status, the headers that matter and the same body, for a
// success and for each class of failure, and the domain must see the request the same way
// (metrics, audit events, the guess limit).

let lean: LeanServer;
beforeAll(async () => (lean = await serveLeanDoors()));
afterAll(() => lean.close());

type Sent = { path: string; route: string; params: Record<string, string>; key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> };
type Answer = { status: number; headers: Headers; body: unknown };

async function viaLean({ path, key, body, rawBody, headers }: Sent): Promise<Answer> {
  const h: Record<string, string> = { ...headers };
  if (key) h.authorization = `Bearer ${key}`;
  if (body !== undefined) h["content-type"] = "application/json";
  return answerOf(await fetch(`${lean.origin}${path}`, { method: "POST", headers: h, body: body !== undefined ? JSON.stringify(body) : (rawBody ?? "") }));
}

const viaRoute = (sent: Sent): Promise<Answer> =>
  call(ROUTE_HANDLERS.get(sent.route)!, sent.params, { method: "POST", path: sent.path, key: sent.key, body: sent.body, rawBody: sent.rawBody ?? (sent.body === undefined ? "" : undefined), headers: sent.headers });

/** What must be equal: status, the headers a client reads, the body. */
const HEADERS = ["content-type", "cache-control", "www-authenticate", "retry-after", "content-transfer-encoding"];
function expectSameAnswer(a: Answer, b: Answer) {
  expect(a.status).toBe(b.status);
  for (const name of HEADERS) expect([name, a.headers.get(name)]).toEqual([name, b.headers.get(name)]);
  expect(a.body).toEqual(b.body);
}

const ROUTES = {
  token: "/frontdoor/[frontdoorId]/client-certificates/token",
  tokenInPath: "/frontdoor/[frontdoorId]/client-certificates/token/[token]",
  tokens: "/frontdoor/[frontdoorId]/certificate-request-tokens",
  est: "/.well-known/est/[frontdoorId]/simpleenroll",
  scep: "/scep/[frontdoorId]",
};

describe("the lean doors answer as the route handlers do", () => {
  it("redemption: success, and each refusal", async () => {
    const frontdoor = await makeFrontdoor();
    const csr = { type: "CSR", value: opensslCsr("ec-p256").csrPem };
    const at = fromAddress("192.0.2.61");
    const redeem = (key: string | null, body: unknown = csr): Sent => ({ path: `/frontdoor/${frontdoor.id}/client-certificates/token`, route: ROUTES.token, params: { frontdoorId: frontdoor.id }, key, body, headers: at });
    const [a, b] = [await createToken(system, frontdoor.id, { name: "a" }), await createToken(system, frontdoor.id, { name: "b" })];
    const [leanIssued, routeIssued] = [await viaLean(redeem(a.token)), await viaRoute(redeem(b.token))];
    expect(leanIssued.status).toBe(201);
    expect(leanIssued.headers.get("location")).toBe(`/frontdoor/${frontdoor.id}/client-certificates/${(leanIssued.body as { id: string }).id}`);
    expect(Object.keys(leanIssued.body as object).sort()).toEqual(Object.keys(routeIssued.body as object).sort());
    expect({ ...(leanIssued.body as object), ...pick(routeIssued.body, ["id", "name", "tokenId", "serialNumber", "fingerprintSha256", "notBefore", "notAfter", "createdAt", "certificate"]) }).toEqual(routeIssued.body);

    const revoked = await createToken(system, frontdoor.id, { name: "revoked" });
    await revokeToken(system, frontdoor.id, revoked.id);
    const refusals: Sent[] = [
      redeem(a.token), // token_already_used
      redeem(revoked.token), // token_revoked
      redeem(null), // unauthenticated
      redeem("crt_unknownunknownunknown"), // token_not_found
      redeem(a.token, { type: "SPKAC", value: "x" }), // validation_failed / unsupported_request_type
      { ...redeem(a.token, undefined), rawBody: "{not json" }, // validation_failed (body)
      { ...redeem(a.token), path: "/frontdoor/no-such-frontdoor/client-certificates/token", params: { frontdoorId: "no-such-frontdoor" } }, // frontdoor_not_found
      { path: `/frontdoor/${frontdoor.id}/client-certificates/token/${a.token}`, route: ROUTES.tokenInPath, params: { frontdoorId: frontdoor.id, token: a.token }, body: csr, headers: at },
    ];
    for (const sent of refusals) expectSameAnswer(await viaLean(sent), await viaRoute(sent));
    expect(lean.served.length).toBeGreaterThanOrEqual(refusals.length + 1);
  });

  it("token creation: success, and each refusal", async () => {
    const frontdoor = await makeFrontdoor();
    const other = await makeFrontdoor();
    const operator = await makeUser("operator", [frontdoor.id]);
    const { key } = await createApiKey(system, { name: "lean", ownerEmail: operator.email });
    const create = (frontdoorId: string, body: unknown, k: string | null = key): Sent => ({ path: `/frontdoor/${frontdoorId}/certificate-request-tokens`, route: ROUTES.tokens, params: { frontdoorId }, key: k, body });
    const [leanMade, routeMade] = [await viaLean(create(frontdoor.id, { name: "same", commonName: "same.example.com" })), await viaRoute(create(frontdoor.id, { name: "same", commonName: "same.example.com" }))];
    expect(leanMade.status).toBe(201);
    expect(leanMade.headers.get("location")).toMatch(new RegExp(`^/frontdoor/${frontdoor.id}/certificate-request-tokens/token-`));
    expect({ ...(leanMade.body as object), ...pick(routeMade.body, ["id", "token", "redemptionUrl", "tokenHint", "createdAt", "expiresAt"]) }).toEqual(routeMade.body);
    for (const sent of [
      create(frontdoor.id, { name: "x" }, null), // unauthenticated
      create(frontdoor.id, { name: "x" }, "cdk_notakeynotakey"), // unauthenticated (unknown key)
      create(frontdoor.id, { name: "" }), // validation_failed
      create(other.id, { name: "x" }), // forbidden
      create("00000000-0000-4000-8000-000000000000", { name: "x" }), // frontdoor_not_found (or forbidden)
    ]) {
      expectSameAnswer(await viaLean(sent), await viaRoute(sent));
    }
  });

  it("EST and SCEP keep their own error media", async () => {
    const frontdoor = await makeFrontdoor();
    const est: Sent = { path: `/.well-known/est/${frontdoor.id}/simpleenroll`, route: ROUTES.est, params: { frontdoorId: frontdoor.id }, key: "crt_unknownunknownunknown", rawBody: "MIIB", headers: { ...fromAddress("192.0.2.62"), "content-type": "application/pkcs10" } };
    const scep: Sent = { path: `/scep/${frontdoor.id}?operation=PKIOperation`, route: ROUTES.scep, params: { frontdoorId: frontdoor.id }, rawBody: "not a SCEP message", headers: { "content-type": "application/x-pki-message" } };
    for (const sent of [est, scep]) {
      const [a, b] = [await viaLean(sent), await viaRoute(sent)];
      expect(a.headers.get("content-type")).toMatch(/^text\/plain/);
      expectSameAnswer(a, b);
    }
  });
});

describe("the framing Next.js adds, added here", () => {
  it("next.config's headers, the app route's Vary, chunked like Next.js, gzip when asked", async () => {
    const response = await fetch(`${lean.origin}/frontdoor/no-such-frontdoor/client-certificates/token`, { method: "POST", headers: { "accept-encoding": "gzip" }, body: "{}" });
    expect(response.status).toBe(401);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
    expect(response.headers.get("vary")).toBe("rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch, Accept-Encoding");
    expect(response.headers.get("transfer-encoding")).toBe("chunked");
    expect((await response.json()).code).toBe("unauthenticated");
  });

  it("leaves to Next.js what is not plainly a lean door", async () => {
    const id = "03f6794b-95af-4fef-b0d8-57d9f1f076cb";
    for (const [path, init] of [
      [`/frontdoor/${id}/client-certificates/token/`, {}], // trailing slash: Next.js redirects
      [`/frontdoor/${id}/client-certificates/token/crt_%41`, {}], // a percent-escape: Next.js decodes
      [`/frontdoor/${id}/client-certificates/token`, { headers: { "next-action": "x" } }],
      [`/frontdoor/${id}/client-certificates/token`, { headers: { "content-type": "multipart/form-data; boundary=x" } }],
      [`/frontdoor/${id}/client-certificates/renew`, {}],
    ] as const) {
      expect((await fetch(`${lean.origin}${path}`, { method: "POST", body: "{}", ...init })).status).toBe(599);
    }
    // A chunked body (no Content-Length): bin/body-limit.mjs counts it as it arrives, on Next.js's path.
    const stream = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode("{}")), c.close()) });
    expect((await fetch(`${lean.origin}/frontdoor/${id}/client-certificates/token`, { method: "POST", body: stream, duplex: "half" } as RequestInit)).status).toBe(599);
    // A Host the URL parser refuses is Next.js's to answer (the lean path answered a bare 500).
    const request = (host: string) => ({ method: "POST", url: `/frontdoor/${id}/certificate-request-tokens`, headers: { host, "content-length": "2" } });
    for (const host of ["localhost:99999", "999.1.1.1", "example.com:65536", "[:::]"]) expect(leanDoorOf(request(host) as never), host).toBeNull();
    expect(leanDoorOf(request("localhost:3000") as never)).not.toBeNull();
  });
});

describe("the domain sees lean-served requests", () => {
  it("metrics, audit events and the shared guess limit", async () => {
    const frontdoor = await makeFrontdoor();
    const csr = { type: "CSR", value: opensslCsr("ec-p256").csrPem };
    const token = await createToken(system, frontdoor.id, { name: "counted" });
    const issuedBefore = await counterValue("certdoor_redemptions_total", { outcome: "issued" });
    const sent = (secret: string, ip: string): Sent => ({ path: `/frontdoor/${frontdoor.id}/client-certificates/token`, route: ROUTES.token, params: { frontdoorId: frontdoor.id }, key: secret, body: csr, headers: fromAddress(ip) });
    const issued = await viaLean(sent(token.token, "192.0.2.63"));
    expect(issued.status).toBe(201);
    expect(await counterValue("certdoor_redemptions_total", { outcome: "issued" })).toBe(issuedBefore + 1);
    const events = await getDb().auditEvent.findMany({ where: { targetId: { in: [token.id, (issued.body as { id: string }).id] } }, select: { action: true, ip: true } });
    expect(events.map((e) => e.action).sort()).toEqual(["certificate.issued", "token.created", "token.redeemed"]);
    expect(events.find((e) => e.action === "token.redeemed")?.ip).toBe("192.0.2.63");

    // 20 unknown tokens a minute per address, failures counted: lean and route share the count.
    const guesses = Array.from({ length: 20 }, (_, i) => sent(`crt_guess${i}guessguessguess`, "192.0.2.64"));
    for (const [i, guess] of guesses.entries()) expect((await (i % 2 ? viaRoute(guess) : viaLean(guess))).status).toBe(404);
    const refused = await viaLean(sent("crt_oneguesstoomanyguess", "192.0.2.64"));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await viaRoute(sent("crt_andanotheroneguess", "192.0.2.64"))).status).toBe(429);
  });
});

function pick(body: unknown, keys: string[]): Record<string, unknown> {
  const record = body as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => k in record).map((k) => [k, record[k]]));
}

async function counterValue(name: string, labels: Record<string, string>): Promise<number> {
  metrics();
  const { register } = (await import("prom-client")).default;
  const metric = await register.getSingleMetric(name)?.get();
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}
