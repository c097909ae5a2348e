import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { redeemToken } from "@/lib/domain/certificates";
import { apiWorld } from "@/lib/testing/api-fixtures";
import { call } from "@/lib/testing/http";
import { opensslCsr } from "@/lib/testing/openssl";
import * as batch from "./route";

// Onboarding many at once: JSON and CSV, all or nothing, every row's errors.

let world: Awaited<ReturnType<typeof apiWorld>>;
beforeAll(async () => {
  world = await apiWorld();
});

const post = (body: { json?: unknown; csv?: string }, key = world.keys.operatorA, frontdoorId = world.frontdoors.a.id) =>
  call(batch.POST, { frontdoorId }, body.csv !== undefined ? { method: "POST", key, rawBody: body.csv, headers: { "Content-Type": "text/csv; charset=utf-8" } } : { method: "POST", key, body: body.json });
const count = (frontdoorId = world.frontdoors.a.id) => getDb().certificateRequestToken.count({ where: { frontdoorId } });

describe("POST …/certificate-request-tokens/batch", () => {
  it("creates 1,000 tokens from JSON in input order, each with its own secret, one audit event each", async () => {
    const before = await count();
    const tokens = Array.from({ length: 1000 }, (_, i) => ({ name: `device ${i}`, commonName: `device-${i}.example.com`, organizationalUnit: "Fleet", validDays: 30 }));
    const res = await post({ json: { tokens } });
    expect(res.status).toBe(201);
    expect(res.body.tokens).toHaveLength(1000);
    expect(res.body.tokens.map((t: { name: string }) => t.name)).toEqual(tokens.map((t) => t.name));
    expect(new Set(res.body.tokens.map((t: { token: string }) => t.token)).size).toBe(1000);
    expect(res.body.tokens[999]).toMatchObject({ commonName: "device-999.example.com", organizationalUnit: "Fleet", validDays: 30, status: "active", redemptionUrl: expect.stringContaining("/redeem#") });
    expect(await count()).toBe(before + 1000);
    const ids = res.body.tokens.map((t: { id: string }) => t.id);
    const events = await getDb().auditEvent.findMany({ where: { action: "token.created", targetId: { in: ids } }, select: { details: true } });
    expect(events).toHaveLength(1000);
    expect(new Set(events.map((e) => (e.details as { batchId: string }).batchId)).size).toBe(1);
    const last = res.body.tokens[999];
    const issued = await redeemToken({ frontdoorId: world.frontdoors.a.id, secret: last.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} });
    expect(issued.commonName).toBe("device-999.example.com");
  });

  it("reads CSV with quoted commas, UTF-8 names, a BOM and empty cells", async () => {
    const csv =
      "\uFEFFname,commonName,organization,organizationalUnit,recipientEmail,expiresAt,validDays\r\n" +
      '"Zoë Ångström, Lab 3",zoe.example.com,"Acme, Inc.",Research,zoe@example.com,,90\r\n' +
      "Jürgen's printer,printer-7.example.com,,,,,\r\n";
    const res = await post({ csv });
    expect(res.status).toBe(201);
    expect(res.body.tokens).toEqual([
      expect.objectContaining({ name: "Zoë Ångström, Lab 3", commonName: "zoe.example.com", organization: "Acme, Inc.", organizationalUnit: "Research", recipientEmail: "zoe@example.com", validDays: 90 }),
      expect.objectContaining({ name: "Jürgen's printer", commonName: "printer-7.example.com", organization: null, recipientEmail: null, validDays: 365 }),
    ]);
  });

  it("refuses the whole batch for one bad row among 500, naming it; nothing is created", async () => {
    const before = await count();
    const tokens = Array.from({ length: 500 }, (_, i) => ({ name: `row ${i}`, commonName: i === 321 ? "x".repeat(65) : `ok-${i}.example.com` }));
    const res = await post({ json: { tokens } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("validation_failed");
    expect(res.body.errors).toEqual([{ path: "tokens[321].commonName", message: "Use at most 64 characters" }]);
    expect(res.body.detail).toMatch(/^1 of 500 tokens are invalid; nothing was created/);

    const csv = "name,commonName,validDays\r\ngood,good.example.com,30\r\n,missing-name.example.com,30\r\nbad days,b.example.com,9999\r\n";
    const csvRes = await post({ csv });
    expect(csvRes.status).toBe(400);
    expect(csvRes.body.errors.map((e: { path: string }) => e.path)).toEqual(["row 3: name", "row 4: validDays"]);
    expect(await count()).toBe(before);
  });

  it("refuses an empty batch, more than 1,000, an unknown CSV column, and callers who may not create tokens", async () => {
    expect((await post({ json: { tokens: [] } })).body.errors).toEqual([{ path: "tokens", message: "Add at least one token" }]);
    expect((await post({ json: { tokens: Array.from({ length: 1001 }, (_, i) => ({ name: `n${i}` })) } })).body.errors).toEqual([{ path: "tokens", message: "At most 1000 tokens" }]);
    expect((await post({ csv: "name,colour\r\nx,red\r\n" })).body.errors[0]).toEqual({ path: "row 1", message: expect.stringContaining("unknown: colour") });
    expect((await post({ json: { tokens: [{ name: "x" }] } }, world.keys.auditor)).status).toBe(403);
    expect((await post({ json: { tokens: [{ name: "x" }] } }, world.keys.operatorB)).status).toBe(404);
    const closed = await post({ json: { tokens: [{ name: "x" }] } }, world.keys.admin, world.frontdoors.c.id);
    expect({ status: closed.status, code: closed.body.code }).toEqual({ status: 409, code: "tcp_shares_disabled" });
    expect(await count(world.frontdoors.c.id)).toBe(0);
  });
});
