import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { redeemToken } from "@/lib/domain/certificates";
import { apiWorld } from "@/lib/testing/api-fixtures";
import { call } from "@/lib/testing/http";
import { opensslCsr } from "@/lib/testing/openssl";
import { GET } from "./route";

// GET /frontdoor/{id}/scep/challenge (CONTRACT.md, "SCEP"): an MDM's dynamic challenge URL.
// HTTP Basic with an API key as the password; the answer is a fresh token as bare text,
// made by the same token creation as every other door.

let world: Awaited<ReturnType<typeof apiWorld>>;
beforeAll(async () => {
  world = await apiWorld();
});

const basic = (password: string, user = "jamf") => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });
const fetchChallenge = (frontdoorId: string, headers: Record<string, string> = {}) => call(GET, { frontdoorId }, { path: `/frontdoor/${frontdoorId}/scep/challenge`, headers });

describe("GET /frontdoor/{id}/scep/challenge", () => {
  it("answers an admin's API key (any user name) with a fresh one-time token as text/plain", async () => {
    const { a } = world.frontdoors;
    const before = Date.now();
    const res = await fetchChallenge(a.id, basic(world.keys.admin, "any-user"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body).toMatch(/^crt_[0-9A-Za-z]{22,}$/);

    const token = await getDb().certificateRequestToken.findFirstOrThrow({ where: { frontdoorId: a.id }, orderBy: { createdAt: "desc" } });
    expect(token.name).toMatch(/^SCEP challenge \d{4}-\d\d-\d\dT/);
    expect([token.commonName, token.organization, token.organizationalUnit]).toEqual([null, null, null]);
    expect(token.expiresAt.getTime() - before).toBeGreaterThanOrEqual(60 * 60_000 - 1_000);
    expect(token.expiresAt.getTime() - before).toBeLessThanOrEqual(60 * 60_000 + 5_000);
    const created = await getDb().auditEvent.findFirstOrThrow({ where: { action: "token.created", targetId: token.id } });
    expect(created.actorKind).toBe("api_key");

    // A second call is another challenge; each one is single use.
    const again = await fetchChallenge(a.id, basic(world.keys.admin));
    expect(again.body).not.toBe(res.body);
  });

  it("makes a challenge whose certificate takes its subject from the device's CSR", async () => {
    const { a } = world.frontdoors;
    const secret = (await fetchChallenge(a.id, basic(world.keys.operatorA))).body as string;
    const { csrPem } = opensslCsr("ec-p256", "/CN=laptop-0042");
    const certificate = await redeemToken({ frontdoorId: a.id, secret, body: { type: "CSR", value: csrPem }, context: {} });
    expect(certificate.commonName).toBe("laptop-0042");
    await expect(redeemToken({ frontdoorId: a.id, secret, body: { type: "CSR", value: csrPem }, context: {} })).rejects.toMatchObject({ code: "token_already_used" });
  });

  it("takes the key as a bearer too", async () => {
    const res = await call(GET, { frontdoorId: world.frontdoors.a.id }, { key: world.keys.operatorA });
    expect([res.status, typeof res.body]).toEqual([200, "string"]);
  });

  it("asks for Basic credentials without a key or with a wrong one, and never takes a console session", async () => {
    const { a } = world.frontdoors;
    for (const headers of [{} as Record<string, string>, basic("cdk_notARealKeyAtAll0000"), basic(world.keys.revoked), basic(world.keys.disabledOwner), basic(""), { cookie: "authjs.session-token=anything" }]) {
      const res = await fetchChallenge(a.id, headers);
      expect([res.status, res.body.code]).toEqual([401, "unauthenticated"]);
      expect(res.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    }
  });

  it("refuses auditors (403), operators of other Frontdoors (as if it did not exist) and closed Frontdoors", async () => {
    const { a, c } = world.frontdoors;
    const outcome = async (frontdoorId: string, key: string) => {
      const res = await fetchChallenge(frontdoorId, basic(key));
      return [res.status, res.body.code];
    };
    expect(await outcome(a.id, world.keys.auditor)).toEqual([403, "forbidden"]);
    expect(await outcome(a.id, world.keys.operatorB)).toEqual([404, "frontdoor_not_found"]);
    expect(await outcome(crypto.randomUUID(), world.keys.admin)).toEqual([404, "frontdoor_not_found"]);
    expect(await outcome(c.id, world.keys.operatorA)).toEqual([409, "tcp_shares_disabled"]);
    expect(await getDb().certificateRequestToken.count({ where: { frontdoorId: c.id } })).toBe(0);
  });
});
