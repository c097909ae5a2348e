import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db";
import { KEY_CACHE_MS } from "@/lib/domain/access/api-key-cache";
import { authenticateApiKey, createApiKey } from "@/lib/domain/access/api-keys";
import { createToken } from "@/lib/domain/tokens";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";
import { call, fromAddress } from "@/lib/testing/http";
import { type LeanServer, serveLeanDoors } from "@/lib/testing/lean-server";
import { opensslCsr } from "@/lib/testing/openssl";
import * as tokens from "@/app/frontdoor/[frontdoorId]/certificate-request-tokens/route";
import * as redeem from "@/app/frontdoor/[frontdoorId]/client-certificates/token/route";

// The paths a fleet hammers are written for round trips. Every statement any pool sends
// goes through pg.Client#query, so counting its calls counts round trips (BEGIN and
// COMMIT included), and a change that adds one fails here.

async function statementsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const spy = vi.spyOn(pg.Client.prototype, "query");
  try {
    await run();
    return spy.mock.calls.map(([q]) => (typeof q === "string" ? q : (q as { text: string }).text).replace(/\s+/g, " ").trim().slice(0, 80));
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.useRealTimers());

// The same requests through bin/lean-doors.mjs, which serves these doors in production.
let leanServer: LeanServer;
beforeAll(async () => (leanServer = await serveLeanDoors()));
afterAll(() => leanServer.close());

/** A POST through the lean path: its status. */
async function viaLean(path: string, key: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(`${leanServer.origin}${path}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  await response.arrayBuffer();
  return response.status;
}

/** The statements one such POST sent, and its status. */
async function statementsViaLean(path: string, key: string, body: unknown, headers: Record<string, string> = {}) {
  let status = 0;
  const statements = await statementsDuring(async () => (status = await viaLean(path, key, body, headers)));
  return { status, statements };
}

describe("statements per request on the hot paths", () => {
  it("a redemption is one read and one write", async () => {
    const frontdoor = await makeFrontdoor();
    const csr = opensslCsr("ec-p256").csrPem;
    const redeemWith = async (secret: string) =>
      call(redeem.POST, { frontdoorId: frontdoor.id }, { method: "POST", key: secret, body: { type: "CSR", value: csr }, headers: fromAddress("192.0.2.50") });
    // Warm-up: the issuing CA is loaded once per process.
    expect((await redeemWith((await createToken(system, frontdoor.id, { name: "warm-up" })).token)).status).toBe(201);

    const token = await createToken(system, frontdoor.id, { name: "counted", commonName: "counted.example.com" });
    let status = 0;
    const statements = await statementsDuring(async () => (status = (await redeemWith(token.token)).status));
    expect(status).toBe(201);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/^SELECT t\."id"/);
    expect(statements[1]).toMatch(/^WITH claim AS/);
    // …and the one write stored everything: the claim, the certificate and both events.
    const stored = await getDb().certificateRequestToken.findUniqueOrThrow({ where: { id: token.id }, select: { redeemedAt: true, clientCertificateId: true } });
    expect(stored.redeemedAt).not.toBeNull();
    expect(await getDb().auditEvent.count({ where: { targetId: { in: [token.id, stored.clientCertificateId!] }, action: { in: ["token.redeemed", "certificate.issued"] } } })).toBe(2);
  });

  it("a redemption through the lean doors is the same one read and one write", async () => {
    const frontdoor = await makeFrontdoor();
    const csr = { type: "CSR", value: opensslCsr("ec-p256").csrPem };
    const path = `/frontdoor/${frontdoor.id}/client-certificates/token`;
    expect(await viaLean(path, (await createToken(system, frontdoor.id, { name: "warm-up" })).token, csr, fromAddress("192.0.2.51"))).toBe(201);
    const token = await createToken(system, frontdoor.id, { name: "counted-lean" });
    const { status, statements } = await statementsViaLean(path, token.token, csr, fromAddress("192.0.2.51"));
    expect(status).toBe(201);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/^SELECT t\."id"/);
    expect(statements[1]).toMatch(/^WITH claim AS/);
    expect(leanServer.served.at(-1)?.template).toBe("/frontdoor/{frontdoorId}/client-certificates/token");
  });

  it("a token creation with a known API key is one write, as a route call and through the lean doors", async () => {
    const frontdoor = await makeFrontdoor();
    const operator = await makeUser("operator", [frontdoor.id]);
    const { key } = await createApiKey(system, { name: "automation", ownerEmail: operator.email });
    const create = (name: string) => call(tokens.POST, { frontdoorId: frontdoor.id }, { method: "POST", key, body: { name, commonName: "device.example.com" } });
    expect((await create("warm-up")).status).toBe(201);
    let status = 0;
    const statements = await statementsDuring(async () => (status = (await create("counted-by-key")).status));
    expect(status).toBe(201);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^WITH fd AS/);
    expect(await getDb().auditEvent.count({ where: { action: "token.created", details: { path: ["name"], equals: "counted-by-key" } } })).toBe(1);

    // …and the same through the lean doors, which serve it in production.
    const lean = await statementsViaLean(`/frontdoor/${frontdoor.id}/certificate-request-tokens`, key, { name: "counted-lean", commonName: "device.example.com" });
    expect(lean.status).toBe(201);
    expect(lean.statements).toHaveLength(1);
    expect(lean.statements[0]).toMatch(/^WITH fd AS/);
    expect(leanServer.served.at(-1)?.template).toBe("/frontdoor/{frontdoorId}/certificate-request-tokens");
  });
});

describe("the API key cache", () => {
  it("a key revoked by another instance stops working within KEY_CACHE_MS", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const admin = await makeUser("admin");
    const { key, id } = await createApiKey(system, { name: "cached", ownerEmail: admin.email });
    expect(await authenticateApiKey(key)).not.toBeNull();
    // Another instance revokes it: this process's cache does not know yet.
    await getDb().apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    vi.setSystemTime(Date.now() + KEY_CACHE_MS - 100);
    expect(await authenticateApiKey(key)).not.toBeNull();
    vi.setSystemTime(Date.now() + 200);
    expect(await authenticateApiKey(key)).toBeNull();
  });
});
