import { execFileSync } from "node:child_process";
import http from "node:http";
import { expect, test } from "./support/test";
import { createTestUser } from "./support/db";
import { defaultFrontdoorId, makeToken } from "./support/tokens";

// The production server serves the hot doors from bin/lean-doors.mjs, and sends to Next.js
// what is not plainly such a request, among them a body without Content-Length. So the same
// request sent twice, once with Content-Length (lean) and once chunked (Next.js), must get
// the same answer: status, every header but the per-answer ones, and the body; and only the
// first may count as lean-served in /metrics.

const csr = execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=lean"], { encoding: "utf8" });

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** One POST on a fresh connection: `chunked` sends the body without Content-Length. */
function post(baseURL: string, path: string, body: string, headers: Record<string, string>, chunked: boolean): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${baseURL}${path}`, { method: "POST", agent: false, headers: chunked ? { ...headers, "Transfer-Encoding": "chunked" } : { ...headers, "Content-Length": String(Buffer.byteLength(body)) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (c: Buffer) => chunks.push(c));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** The headers that differ on every answer. */
const PER_ANSWER = new Set(["date", "x-request-id", "location"]);
const stable = (raw: Raw) => Object.fromEntries(Object.entries(raw.headers).filter(([name]) => !PER_ANSWER.has(name)));

async function leanServed(baseURL: string): Promise<number> {
  const text = await (await fetch(`${baseURL}/metrics`)).text();
  return [...text.matchAll(/^certdoor_http_lean_requests_total\{.*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

test("each hot door answers a Content-Length request (lean) exactly as a chunked one (Next.js), and /metrics counts which was which", async ({ baseURL }) => {
  const frontdoorId = await defaultFrontdoorId();
  const user = await createTestUser("admin");
  const { createApiKey } = await import("@/lib/domain/access/api-keys");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  const key = (await createApiKey(systemPrincipal("e2e"), { name: "lean e2e", ownerEmail: user.email })).key;
  const json = { "Content-Type": "application/json" };
  const redeemBody = JSON.stringify({ type: "CSR", value: csr });

  // Refusals: each request is sent both ways and must be answered byte for byte alike.
  const used = await makeToken({ name: "lean used" });
  expect((await post(baseURL!, `/frontdoor/${frontdoorId}/client-certificates/token`, redeemBody, { ...json, Authorization: `Bearer ${used.token}` }, false)).status).toBe(201);
  const refusals: [string, string, Record<string, string>][] = [
    [`/frontdoor/${frontdoorId}/client-certificates/token`, redeemBody, { ...json, Authorization: `Bearer ${used.token}` }], // token_already_used
    [`/frontdoor/${frontdoorId}/client-certificates/token`, redeemBody, json], // unauthenticated
    [`/frontdoor/${frontdoorId}/client-certificates/token/${used.token}`, "{not json", json], // validation_failed
    [`/frontdoor/${frontdoorId}/certificate-request-tokens`, JSON.stringify({ name: "" }), { ...json, Authorization: `Bearer ${key}` }], // validation_failed
    [`/frontdoor/${frontdoorId}/certificate-request-tokens`, JSON.stringify({ name: "x" }), json], // unauthenticated
    [`/.well-known/est/${frontdoorId}/simpleenroll`, "not base64!", { "Content-Type": "application/pkcs10", Authorization: `Bearer ${used.token}` }], // EST's plain text
    [`/scep/${frontdoorId}?operation=PKIOperation`, "not a SCEP message", { "Content-Type": "application/x-pki-message" }], // SCEP's plain text
  ];
  for (const gzip of [false, true]) {
    for (const [path, body, headers] of refusals) {
      const withEncoding = gzip ? { ...headers, "Accept-Encoding": "gzip" } : headers;
      const before = await leanServed(baseURL!);
      const lean = await post(baseURL!, path, body, withEncoding, false);
      expect(await leanServed(baseURL!), `${path} with Content-Length is served lean`).toBe(before + 1);
      const next = await post(baseURL!, path, body, withEncoding, true);
      expect(await leanServed(baseURL!), `${path} chunked goes to Next.js`).toBe(before + 1);
      expect({ path, status: lean.status, headers: stable(lean), body: lean.body }).toEqual({ path, status: next.status, headers: stable(next), body: next.body });
      expect(lean.headers["x-content-type-options"]).toBe("nosniff");
    }
  }

  // Successes: the same headers, the same shape of body.
  const successes: [string, string, Record<string, string>][] = [
    [`/frontdoor/${frontdoorId}/certificate-request-tokens`, JSON.stringify({ name: "lean made", commonName: "lean.example.com" }), { ...json, Authorization: `Bearer ${key}` }],
    [`/frontdoor/${frontdoorId}/client-certificates/token`, redeemBody, json],
  ];
  for (const [path, body, headers] of successes) {
    const answers: Raw[] = [];
    for (const chunked of [false, true]) {
      const secret: Record<string, string> = path.endsWith("/token") ? { Authorization: `Bearer ${(await makeToken({ name: "lean redeem" })).token}` } : {};
      answers.push(await post(baseURL!, path, body, { ...headers, ...secret }, chunked));
    }
    const [lean, next] = answers.map((a) => ({ status: a.status, headers: stable(a), keys: Object.keys(JSON.parse(a.body)).sort(), location: String(a.headers.location).replace(/[^/]+$/, "…") }));
    expect(lean!.status).toBe(201);
    expect(lean).toEqual(next);
  }
});
