import { execFileSync } from "node:child_process";
import { expect, test } from "./support/test";
import { db, expectWholeRedemptions } from "./support/db";
import { startInstance } from "./support/server";

// A fleet's view: several instances (and workers) on one database. Single use, shared
// limits and crash safety must hold across all of them.

test.describe.configure({ mode: "serial" });

const csr = execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=fleet"], { encoding: "utf8" });

async function defaultFrontdoorId() {
  return (await (await db()).frontdoor.findUniqueOrThrow({ where: { name: "default" } })).id;
}

async function newTokens(count: number, name: string) {
  await db();
  const { createToken } = await import("@/lib/domain/tokens");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  const frontdoorId = await defaultFrontdoorId();
  const tokens = [];
  for (let i = 0; i < count; i++) tokens.push(await createToken(systemPrincipal("e2e"), frontdoorId, { name: `${name} ${i}`, commonName: "fleet.example.com" }));
  return { frontdoorId, tokens };
}

// Clients give up after 20 s, as real ones do: a connection that a killed worker had taken
// (or that was being handed to it) may never be answered.
const redeem = (url: string, frontdoorId: string, secret: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/frontdoor/${frontdoorId}/client-certificates/token`, {
    method: "POST",
    headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ type: "CSR", value: csr }),
    signal: AbortSignal.timeout(20_000),
  }).then(async (r) => ({ status: r.status, code: ((await r.json()) as { code?: string }).code, retryAfter: r.headers.get("retry-after") }));

test("10,000 races: 1,000 tokens each redeemed by 10 concurrent requests across two instances give 1,000 certificates and 9,000 token_already_used", async ({ baseURL }) => {
  test.setTimeout(600_000);
  const second = await startInstance(3293);
  try {
    const { frontdoorId, tokens } = await newTokens(1000, "races");
    const outcomes: string[] = [];
    let next = 0;
    // 8 tokens at a time, each with its 10 racing requests spread over both instances.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < tokens.length) {
          const token = tokens[next++]!;
          const results = await Promise.all(Array.from({ length: 10 }, (_, i) => redeem(i % 2 ? second.url : baseURL!, frontdoorId, token.token)));
          outcomes.push(...results.map((r) => (r.status === 201 ? "issued" : `${r.status} ${r.code}`)));
        }
      }),
    );
    const tally = outcomes.reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});
    expect(tally).toEqual({ issued: 1000, "409 token_already_used": 9000 });
    const ids = tokens.map((t) => t.id);
    expect(await (await db()).clientCertificate.count({ where: { token: { id: { in: ids } } } })).toBe(1000);
    expect(await (await db()).auditEvent.count({ where: { action: "token.redeemed", targetId: { in: ids } } })).toBe(1000);
  } finally {
    await second.stop();
  }
});

test("one limit for all instances: 25 unknown-token guesses from one address, alternating, are refused from the 21st on, on both", async () => {
  const a = await startInstance(3294, { trustProxy: 1 });
  const b = await startInstance(3295, { trustProxy: 1 });
  try {
    const frontdoorId = await defaultFrontdoorId();
    // Both instances trust one proxy hop, so both see this client address.
    const from = { "X-Forwarded-For": `198.51.100.${Math.floor(Math.random() * 200) + 20}` };
    const results = [];
    for (let i = 0; i < 25; i++) results.push(await redeem(i % 2 ? b.url : a.url, frontdoorId, `crt_guess${String(i).padStart(27, "0")}`, from));
    expect(results.slice(0, 20).map((r) => r.code)).toEqual(Array(20).fill("token_not_found"));
    expect(results.slice(20).map((r) => r.status)).toEqual([429, 429, 429, 429, 429]);
    expect(results.slice(20).every((r) => Number(r.retryAfter) > 0)).toBe(true);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test("kill -9 of a worker mid-burst: the primary replaces it, and every committed redemption has its certificate and its audit events", async () => {
  test.setTimeout(180_000);
  const instance = await startInstance(3296, { workers: 2 });
  try {
    const { frontdoorId, tokens } = await newTokens(80, "worker crash");
    const workers = execFileSync("pgrep", ["-P", String(instance.process.pid)], { encoding: "utf8" }).trim().split("\n").map(Number);
    expect(workers).toHaveLength(2);
    const burst = tokens.map((t) => redeem(instance.url, frontdoorId, t.token).then((r) => r.status, () => "dropped" as const));
    await Promise.race([burst[10], new Promise((r) => setTimeout(r, 2000))]);
    process.kill(workers[0]!, "SIGKILL");
    const outcomes = await Promise.all(burst);

    const redeemed = await expectWholeRedemptions(tokens.map((t) => t.id), outcomes);
    const events = await (await db()).auditEvent.findMany({ where: { action: { in: ["token.redeemed", "certificate.issued"] }, targetId: { in: redeemed.flatMap((r) => [r.id, r.clientCertificateId!]) } } });
    expect(events).toHaveLength(redeemed.length * 2);

    // The primary started a new worker; the instance still answers.
    await expect.poll(() => execFileSync("pgrep", ["-P", String(instance.process.pid)], { encoding: "utf8" }).trim().split("\n").length, { timeout: 30_000 }).toBe(2);
    const after = await newTokens(1, "after crash");
    expect((await redeem(instance.url, after.frontdoorId, after.tokens[0]!.token)).status).toBe(201);
  } finally {
    await instance.stop();
  }
});
