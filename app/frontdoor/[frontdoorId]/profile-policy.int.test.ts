import { beforeAll, describe, expect, it } from "vitest";
import * as tokens from "@/app/frontdoor/[frontdoorId]/certificate-request-tokens/route";
import * as oneToken from "@/app/frontdoor/[frontdoorId]/certificate-request-tokens/[tokenId]/route";
import * as batch from "@/app/frontdoor/[frontdoorId]/certificate-request-tokens/batch/route";
import * as redeem from "@/app/frontdoor/[frontdoorId]/client-certificates/token/route";
import { getDb } from "@/lib/db";
import { apiWorld } from "@/lib/testing/api-fixtures";
import { makeFrontdoor } from "@/lib/testing/fixtures";
import { call, fromAddress } from "@/lib/testing/http";
import { type KEY_SPECS, openssl, opensslCsr } from "@/lib/testing/openssl";
import * as one from "./route";

// A Frontdoor's certificate profile and name policy (CONTRACT "Subject alternative names,
// certificate profiles and name policy") through the REST API: who may set them, and that
// token creation and every redemption obey them.

let world: Awaited<ReturnType<typeof apiWorld>>;
beforeAll(async () => {
  world = await apiWorld();
});

const admin = () => world.keys.admin;
const patch = (frontdoorId: string, body: unknown, key = admin()) => call(one.PATCH, { frontdoorId }, { method: "PATCH", key, body });
const createToken = (frontdoorId: string, body: unknown) => call(tokens.POST, { frontdoorId }, { method: "POST", key: admin(), body });
const redeemWith = (frontdoorId: string, secret: string, csrPem: string) =>
  call(redeem.POST, { frontdoorId }, { method: "POST", key: secret, body: { type: "CSR", value: csrPem }, headers: fromAddress("192.0.2.80") });

/** A token on the Frontdoor, redeemed with a CSR of `spec` and `subject`: the answer. */
async function redeemNew(frontdoorId: string, token: Record<string, unknown>, spec: keyof typeof KEY_SPECS = "ec-p256", subject = "/CN=from-the-csr", extra: string[] = []) {
  const created = await createToken(frontdoorId, { name: "device", ...token });
  expect(created.status).toBe(201);
  return redeemWith(frontdoorId, created.body.token, opensslCsr(spec, subject, extra).csrPem);
}

const ekuOf = (pem: string) => openssl(["x509", "-noout", "-ext", "extendedKeyUsage"], { input: pem });
const sanRequest = (names: string) => ["-addext", `subjectAltName=${names}`];

describe("PATCH /frontdoor/{id}: profile and name policy", () => {
  it("admins set them; GET shows them; the change is audited with before and after", async () => {
    const { id } = await makeFrontdoor();
    expect((await call(one.GET, { frontdoorId: id }, { key: admin() })).body).toMatchObject({
      profile: { extendedKeyUsage: ["clientAuth"], keyTypes: ["EC-P256", "EC-P384", "RSA-2048", "RSA-3072", "RSA-4096"], maxValidDays: 825, allowCsrSubjectAltNames: false, allowWildcards: false },
      namePolicy: {},
    });
    const namePolicy = { allow: { commonName: ["*.ci.example.com"] }, deny: { dns: [".prod.example.com"] } };
    const res = await patch(id, { profile: { extendedKeyUsage: ["serverAuth"], maxValidDays: 90 }, namePolicy });
    expect(res.status).toBe(200);
    // clientAuth is always first; fields not given stay.
    expect(res.body.profile).toEqual({ extendedKeyUsage: ["clientAuth", "serverAuth"], keyTypes: ["EC-P256", "EC-P384", "RSA-2048", "RSA-3072", "RSA-4096"], maxValidDays: 90, allowCsrSubjectAltNames: false, allowWildcards: false });
    expect(res.body.namePolicy).toEqual(namePolicy);
    expect((await call(one.GET, { frontdoorId: id }, { key: world.keys.auditor })).body.namePolicy).toEqual(namePolicy);
    const [event] = await getDb().auditEvent.findMany({ where: { frontdoorId: id, action: "frontdoor.updated" } });
    expect(event!.details).toMatchObject({ before: { profile: { maxValidDays: 825, extendedKeyUsage: ["clientAuth"] }, namePolicy: {} }, after: { profile: { maxValidDays: 90 }, namePolicy } });
    // The same again changes nothing and audits nothing.
    expect((await patch(id, { profile: { maxValidDays: 90 }, namePolicy })).status).toBe(200);
    expect(await getDb().auditEvent.count({ where: { frontdoorId: id, action: "frontdoor.updated" } })).toBe(1);
  });

  it("operators (members) and auditors are forbidden", async () => {
    const { a } = world.frontdoors;
    for (const key of [world.keys.operatorA, world.keys.auditor]) {
      const res = await patch(a.id, { profile: { maxValidDays: 10 }, namePolicy: { deny: { commonName: ["*"] } } }, key);
      expect([res.status, res.body.code]).toEqual([403, "forbidden"]);
    }
    expect((await getDb().frontdoor.findUniqueOrThrow({ where: { id: a.id } })).namePolicy).toEqual({});
  });

  it("refuses a bad profile or policy with the path of each problem", async () => {
    const { id } = await makeFrontdoor();
    const res = await patch(id, { profile: { keyTypes: [], extendedKeyUsage: ["codeSigning?"], maxValidDays: 826 }, namePolicy: { allow: { ip: ["10.0.0.1/8"] } } });
    expect([res.status, res.body.code]).toEqual([400, "validation_failed"]);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["namePolicy.allow.ip[0]", "profile.extendedKeyUsage[0]", "profile.keyTypes", "profile.maxValidDays"]);
  });
});

describe("token creation under the profile and policy", () => {
  it("refuses a CN outside the policy with name_not_allowed naming the value and the rule, and validDays over maxValidDays", async () => {
    const { id } = await makeFrontdoor();
    await patch(id, { profile: { maxValidDays: 30 }, namePolicy: { allow: { commonName: ["*.ci.example.com"] }, deny: { commonName: ["prod-*.ci.example.com"] } } });
    const denied = await createToken(id, { name: "x", commonName: "prod-1.ci.example.com" });
    expect([denied.status, denied.body.code]).toEqual([400, "name_not_allowed"]);
    expect(denied.body.detail).toContain('"prod-1.ci.example.com"');
    expect(denied.body.detail).toContain("deny prod-*.ci.example.com");
    const outside = await createToken(id, { name: "x", commonName: "laptop.example.com" });
    expect([outside.status, outside.body.detail]).toEqual([400, expect.stringContaining("not in allow list (*.ci.example.com)")]);
    const tooLong = await createToken(id, { name: "x", commonName: "agent.ci.example.com", validDays: 31 });
    expect([tooLong.status, tooLong.body.code, tooLong.body.errors]).toEqual([400, "validation_failed", [{ path: "validDays", message: expect.stringContaining("30") }]]);
    expect((await createToken(id, { name: "x", commonName: "agent.ci.example.com", validDays: 30 })).status).toBe(201);
    expect(await getDb().certificateRequestToken.count({ where: { frontdoorId: id } })).toBe(1);

    // A token changed to a refused CN is refused too.
    const ok = await createToken(id, { name: "y", commonName: "b.ci.example.com", validDays: 7 });
    const changed = await call(oneToken.PATCH, { frontdoorId: id, tokenId: ok.body.id }, { method: "PATCH", key: admin(), body: { commonName: "prod-2.ci.example.com" } });
    expect([changed.status, changed.body.code]).toEqual([400, "name_not_allowed"]);
    expect((await getDb().certificateRequestToken.findUniqueOrThrow({ where: { id: ok.body.id } })).commonName).toBe("b.ci.example.com");
  });

  it("a policy changed after this process checked a name is the one that counts", async () => {
    const { id } = await makeFrontdoor();
    expect((await createToken(id, { name: "a", commonName: "kiosk.example.com" })).status).toBe(201);
    await patch(id, { namePolicy: { deny: { commonName: ["kiosk.example.com"] } } });
    expect((await createToken(id, { name: "b", commonName: "kiosk.example.com" })).body.code).toBe("name_not_allowed");
    await patch(id, { namePolicy: {} });
    expect((await createToken(id, { name: "c", commonName: "kiosk.example.com" })).status).toBe(201);
  });

  it("a batch reports every refused row and creates nothing", async () => {
    const { id } = await makeFrontdoor();
    await patch(id, { profile: { maxValidDays: 30 }, namePolicy: { deny: { commonName: [".prod.example.com"] } } });
    const body = { tokens: [{ name: "ok", commonName: "a.dev.example.com" }, { name: "bad", commonName: "a.prod.example.com" }, { name: "bad2", commonName: "b.prod.example.com", validDays: 20 }] };
    const res = await call(batch.POST, { frontdoorId: id }, { method: "POST", key: admin(), body });
    expect([res.status, res.body.code]).toEqual([400, "name_not_allowed"]);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(["tokens[1].commonName", "tokens[2].commonName"]);
    const long = await call(batch.POST, { frontdoorId: id }, { method: "POST", key: admin(), body: { tokens: [{ name: "a" }, { name: "b", validDays: 60 }] } });
    expect([long.status, long.body.code, long.body.errors.map((e: { path: string }) => e.path)]).toEqual([400, "validation_failed", ["tokens[1].validDays"]]);
    expect(await getDb().certificateRequestToken.count({ where: { frontdoorId: id } })).toBe(0);
  });
});

describe("redemption under the profile and policy", () => {
  it("refuses a key type the profile does not list, naming the allowed ones", async () => {
    const { id } = await makeFrontdoor();
    await patch(id, { profile: { keyTypes: ["EC-P384", "RSA-3072"] } });
    const res = await redeemNew(id, { commonName: "d.example.com" }, "ec-p256");
    expect([res.status, res.body.code]).toEqual([400, "unsupported_key"]);
    expect(res.body.detail).toContain("EC-P384, RSA-3072");
    expect((await redeemNew(id, { commonName: "d.example.com" }, "ec-p384")).status).toBe(201);
  });

  it("issues the profile's extended key usages; a later change leaves issued certificates alone", async () => {
    const { id } = await makeFrontdoor();
    const before = await redeemNew(id, { commonName: "svc.example.com" });
    expect(ekuOf(before.body.certificate)).not.toContain("Server");
    await patch(id, { profile: { extendedKeyUsage: ["clientAuth", "serverAuth", "1.3.6.1.4.1.311.20.2.2"] } });
    const after = await redeemNew(id, { commonName: "svc.example.com" });
    expect(after.status).toBe(201);
    expect(ekuOf(after.body.certificate)).toMatch(/TLS Web Client Authentication, TLS Web Server Authentication, Microsoft Smartcard Login/);
    const stored = await getDb().clientCertificate.findUniqueOrThrow({ where: { id: before.body.id } });
    expect(stored.certificatePem).toBe(before.body.certificate);
  });

  it("checks a CN taken from the CSR when the token leaves it blank", async () => {
    const { id } = await makeFrontdoor();
    await patch(id, { namePolicy: { allow: { commonName: ["*.ci.example.com"] } } });
    const refused = await redeemNew(id, {}, "ec-p256", "/CN=laptop.example.com");
    expect([refused.status, refused.body.code]).toEqual([400, "name_not_allowed"]);
    expect(refused.body.detail).toContain('"laptop.example.com"');
    const ok = await redeemNew(id, {}, "ec-p256", "/CN=runner.ci.example.com");
    expect([ok.status, ok.body.commonName]).toEqual([201, "runner.ci.example.com"]);
  });

  it("takes a CSR's SANs only with allowCsrSubjectAltNames, each checked against the policy", async () => {
    const { id } = await makeFrontdoor();
    await patch(id, { namePolicy: { deny: { dns: [".prod.example.com"] } } });
    const refusedNames = sanRequest("DNS:db.prod.example.com");
    // Off (the default): the CSR's SANs are ignored, so nothing is checked or refused.
    expect((await redeemNew(id, { commonName: "a.example.com" }, "ec-p256", "/CN=x", refusedNames)).status).toBe(201);
    await patch(id, { profile: { allowCsrSubjectAltNames: true } });
    const refused = await redeemNew(id, { commonName: "a.example.com" }, "ec-p256", "/CN=x", refusedNames);
    expect([refused.status, refused.body.code]).toEqual([400, "name_not_allowed"]);
    expect(refused.body.detail).toContain('"db.prod.example.com"');
    const wildcard = await redeemNew(id, { commonName: "a.example.com" }, "ec-p256", "/CN=x", sanRequest("DNS:*.dev.example.com"));
    expect([wildcard.status, wildcard.body.code]).toEqual([400, "invalid_csr"]);
    expect((await redeemNew(id, { commonName: "a.example.com" }, "ec-p256", "/CN=x", sanRequest("DNS:db.dev.example.com,IP:10.1.2.3"))).status).toBe(201);
  });
});
