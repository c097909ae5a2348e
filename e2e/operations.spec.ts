import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import path from "node:path";
import parsePrometheus from "parse-prometheus-text-format";
import { e2eAdmin } from "../playwright.config";
import { startInstance } from "./support/server";
import { defaultFrontdoorId } from "./support/tokens";
import { expect, test } from "./support/test";

// What the people who run Certdoor read: /metrics (parsed as Prometheus reads it, guarded,
// one scrape for every worker) and JSON log lines that never hold a secret.

type Family = { name: string; type: string; metrics: { value?: string; labels?: Record<string, string>; count?: string }[] };
const scrape = async (url: string, token?: string) => {
  const res = await fetch(`${url}/metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return { status: res.status, families: res.status === 200 ? (parsePrometheus(await res.text()) as Family[]) : [] };
};
const sample = (families: Family[], name: string, labels: Record<string, string>) =>
  Number(families.find((f) => f.name === name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value ?? 0);
const csr = () => execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=ops"], { encoding: "utf8" });

async function redeem(base: string, frontdoorId: string, secret: string) {
  return fetch(`${base}/frontdoor/${frontdoorId}/client-certificates/token/${secret}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ type: "CSR", value: csr() }) });
}

test("/metrics parses as Prometheus text, its counters move with a redemption, and only loopback may scrape without a token", async ({ baseURL }) => {
  const frontdoorId = await defaultFrontdoorId();
  const before = await scrape(baseURL!);
  expect(before.status).toBe(200);
  const names = before.families.map((f) => f.name);
  for (const name of ["certdoor_http_requests_total", "certdoor_http_request_duration_seconds", "certdoor_redemptions_total", "certdoor_tokens", "certdoor_certificates_expiring_30d", "certdoor_db_pool_connections", "certdoor_db_query_duration_seconds", "certdoor_nodejs_eventloop_lag_seconds", "certdoor_process_resident_memory_bytes"]) {
    expect(names, name).toContain(name);
  }
  const { createToken } = await import("@/lib/domain/tokens");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  const token = await createToken(systemPrincipal("e2e"), frontdoorId, { name: "metrics" });
  expect((await redeem(baseURL!, frontdoorId, token.token)).status).toBe(201);
  expect((await redeem(baseURL!, frontdoorId, token.token)).status).toBe(409);
  const after = await scrape(baseURL!);
  const delta = (labels: Record<string, string>) => sample(after.families, "certdoor_redemptions_total", labels) - sample(before.families, "certdoor_redemptions_total", labels);
  expect([delta({ outcome: "issued" }), delta({ outcome: "token_already_used" })]).toEqual([1, 1]);
  expect(sample(after.families, "certdoor_tokens", { frontdoor: "default", status: "redeemed" })).toBeGreaterThan(0);

  // From an address that is not loopback, and no METRICS_TOKEN: refused.
  const own = Object.values(networkInterfaces()).flat().find((a) => a && a.family === "IPv4" && !a.internal)?.address;
  if (own) expect((await scrape(`http://${own}:${new URL(baseURL!).port}`)).status).toBe(403);
});

test("with METRICS_TOKEN, a scrape needs it; with two workers, one scrape counts both", async () => {
  const instance = await startInstance(3285, { workers: 2, env: { METRICS_TOKEN: "scrape-secret-1" } });
  try {
    expect((await scrape(instance.url)).status).toBe(401);
    expect((await scrape(instance.url, "wrong")).status).toBe(401);
    const route = { route: "/api/health/live", method: "GET", status: "200" };
    const start = sample((await scrape(instance.url, "scrape-secret-1")).families, "certdoor_http_requests_total", route);
    // The primary hands connections to the two workers in turn: 20 requests reach both.
    for (let i = 0; i < 20; i++) await fetch(`${instance.url}/api/health/live`, { headers: { Connection: "close" } });
    for (let i = 0; i < 3; i++) {
      expect(sample((await scrape(instance.url, "scrape-secret-1")).families, "certdoor_http_requests_total", route) - start).toBe(20);
    }
  } finally {
    await instance.stop();
  }
});

test("every log line is JSON with the request's fields, and no secret, password or key ever reaches the log", async ({ browser }) => {
  test.slow();
  const port = 3284;
  const instance = await startInstance(port);
  const secrets: string[] = [e2eAdmin.password];
  let madeRequestId = "";
  try {
    const context = await browser.newContext({ baseURL: instance.url });
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByLabel("Email").fill(e2eAdmin.email);
    await page.getByLabel("Password").fill(e2eAdmin.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
    await page.goto("/settings/api-keys");
    await page.getByLabel("Name").fill("log test");
    await page.getByRole("button", { name: "Create API key" }).click();
    const key = (await page.getByTestId("api-key").textContent())!;
    secrets.push(key);
    await context.close();

    const frontdoorId = await defaultFrontdoorId();
    const api = (p: string, init: RequestInit = {}) => fetch(`${instance.url}/frontdoor/${frontdoorId}${p}`, { ...init, headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", "X-Request-Id": "req-from-the-proxy-0001" } });
    const creation = await api("/certificate-request-tokens", { method: "POST", body: JSON.stringify({ name: "log test" }) });
    // The proxy's request id comes back; without one, Certdoor makes one and returns it.
    expect(creation.headers.get("x-request-id")).toBe("req-from-the-proxy-0001");
    const created = await creation.json();
    secrets.push(created.token);
    const rotated = await (await api(`/certificate-request-tokens/${created.id}/rotate`, { method: "POST" })).json();
    secrets.push(rotated.token);
    const redeemed = await redeem(instance.url, frontdoorId, rotated.token);
    expect(redeemed.status).toBe(201);
    madeRequestId = redeemed.headers.get("x-request-id") ?? "";
    expect(madeRequestId).toMatch(/^[\w.:-]{8,128}$/);
    const certificate = await redeemed.json();
    expect((await redeem(instance.url, frontdoorId, created.token)).status).toBe(404);
    expect(certificate.certificate).toContain("BEGIN CERTIFICATE");
  } finally {
    await instance.stop();
  }
  const text = readFileSync(path.resolve(import.meta.dirname, "..", "test-results", `instance-${port}.log`), "utf8");
  const lines = text.split("\n").filter(Boolean);
  const parsed = lines.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`not a JSON line: ${line.slice(0, 200)}`);
    }
  });
  for (const entry of parsed) expect(entry, JSON.stringify(entry)).toMatchObject({ level: expect.any(Number), time: expect.any(String), msg: expect.any(String) });
  const requests = parsed.filter((e) => e.component === "http");
  expect(requests.length).toBeGreaterThan(5);
  expect(requests.find((e) => e.route === "/frontdoor/{frontdoorId}/client-certificates/token/{token}" && e.status === 201)).toMatchObject({ method: "POST", requestId: madeRequestId, durationMs: expect.any(Number), ip: expect.any(String) });
  expect(requests.find((e) => e.route === "/frontdoor/{frontdoorId}/certificate-request-tokens")).toMatchObject({ requestId: "req-from-the-proxy-0001", principal: expect.stringContaining(e2eAdmin.email) });
  for (const secret of secrets) expect(text.includes(secret), `a secret (${secret.slice(0, 6)}…) is in the log`).toBe(false);
  for (const secret of secrets.slice(2)) expect(text.includes(secret.slice(4)), "the random part of a token secret is in the log").toBe(false);
  expect(text).not.toContain("PRIVATE KEY");
});
