import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { caChainPem } from "@/lib/domain/ca/trust";
import { updateFrontdoor } from "@/lib/domain/frontdoors";
import { currentRa } from "@/lib/domain/scep/ra";
import { env } from "@/lib/env";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { INTUNE_TEST_CREDENTIALS, startIntuneStandIn } from "@/lib/testing/intune-stand-in";
import { fromAddress } from "@/lib/testing/http";
import { certRepStatus } from "@/lib/testing/scep-cert-rep";
import { pkcsReq, scepRequester } from "@/lib/testing/scep-request";
import * as scep from "./route";
import { verifyClientCertificate } from "@/lib/testing/openssl";
import { runScepClient, type ScepServer, serveScep } from "@/lib/testing/scep-client";

// The SCEP door with Microsoft Intune behind it, end to end: a real client (scepclient) sends
// an Intune challenge (not a Certdoor token); the door hands it to Intune's validation service
// (the stand-in of Microsoft's published contract), issues with the CSR's names and reports
// success; a challenge Intune did not make is a FAILURE (Intune, which refused it, is not
// told again). Unknown challenges are guess-limited per address like tokens, and when Intune
// cannot be reached the anonymous client is not told the Frontdoor's Intune settings.

const credentials = INTUNE_TEST_CREDENTIALS;
let standIn: Awaited<ReturnType<typeof startIntuneStandIn>>;
let server: ScepServer;
let frontdoorId: string;

beforeAll(async () => {
  standIn = await startIntuneStandIn(credentials);
  Object.assign(env, { INTUNE_LOGIN_URL: standIn.url, INTUNE_GRAPH_URL: standIn.url });
  frontdoorId = (await makeFrontdoor()).id;
  await updateFrontdoor(system, frontdoorId, { namePolicy: { allow: { commonName: ["*.corp.example.com"] } }, scep: { intune: credentials } });
  server = await serveScep();
});
afterAll(async () => {
  server.close();
  await standIn.close();
});

describe("SCEP with Intune", () => {
  it("scepclient enrolls with an Intune challenge; Intune validated it and hears of the certificate", async () => {
    const raDer = (await currentRa(frontdoorId)).certificateDer;
    const run = await runScepClient(`${server.origin}/scep/${frontdoorId}`, raDer, { challenge: standIn.issueChallenge(), cn: "mac-42.corp.example.com" });
    expect(run.isOk, run.output).toBe(true);
    const pem = readFileSync(run.certificateFile, "utf8");
    expect(verifyClientCertificate(pem, await caChainPem(frontdoorId))).toContain("OK");
    const issued = await getDb().clientCertificate.findFirstOrThrow({ where: { frontdoorId }, orderBy: { createdAt: "desc" } });
    expect(issued.commonName).toBe("mac-42.corp.example.com");
    const paths = standIn.calls.map((c) => c.path);
    expect(paths.some((p) => p.endsWith("validateRequest"))).toBe(true);
    expect(paths.some((p) => p.endsWith("successNotification"))).toBe(true);
  });

  it("a challenge Intune did not make gets FAILURE badRequest and nothing is issued", async () => {
    const raDer = (await currentRa(frontdoorId)).certificateDer;
    const before = await getDb().clientCertificate.count({ where: { frontdoorId } });
    const run = await runScepClient(`${server.origin}/scep/${frontdoorId}`, raDer, { challenge: "made-up-challenge", cn: "mac-43.corp.example.com" });
    expect(run.isOk).toBe(false);
    expect(run.output).toMatch(/failInfo: badRequest/);
    expect(await getDb().clientCertificate.count({ where: { frontdoorId } })).toBe(before);
    const refused = await getDb().auditEvent.findMany({ where: { frontdoorId, action: "token.redeem_failed" }, select: { details: true } });
    expect(refused.map((e) => e.details)).toContainEqual(expect.objectContaining({ code: "intune_refused", channel: "scep" }));
  });
});

const post = (id: string, body: Uint8Array, ip: string) =>
  scep.POST(new Request(`http://localhost/scep/${id}?operation=PKIOperation`, { method: "POST", body: new Uint8Array(body), headers: fromAddress(ip) }), { params: Promise.resolve({ frontdoorId: id }) });

describe("SCEP with Intune, hand-built requests", () => {
  it("unknown challenges from one address are guess-limited like tokens: each costs a call to Intune", { timeout: 60_000 }, async () => {
    const ra = await currentRa(frontdoorId);
    const requester = scepRequester("a-guess", "guess.corp.example.com");
    const validations = () => standIn.calls.filter((c) => c.path === "validateRequest").length;
    const before = validations();
    const statuses: string[] = [];
    for (let i = 0; i < 25; i++) statuses.push(certRepStatus(new Uint8Array(await (await post(frontdoorId, pkcsReq(requester, ra, `tx-guess-${i}`), "203.0.113.50")).arrayBuffer())));
    expect(new Set(statuses)).toEqual(new Set(["FAILURE badRequest"]));
    // 20 failures a minute per address (tokenGuessLimiter, which counts a failure after it):
    // the 21st is the one that finds the limit reached, the rest are refused without asking Intune.
    expect(validations() - before).toBe(21);
    const limited = await getDb().auditEvent.findMany({ where: { frontdoorId, action: "token.redeem_failed" }, select: { details: true } });
    expect(limited.map((e) => e.details)).toContainEqual(expect.objectContaining({ code: "rate_limited", channel: "scep" }));
  });

  it("Intune refusing the Frontdoor's app is a 503 whose text names neither the tenant, the app nor Entra's error", async () => {
    const { id } = await makeFrontdoor();
    await updateFrontdoor(system, id, { scep: { intune: { ...credentials, clientSecret: "wrong" } } });
    const response = await post(id, pkcsReq(scepRequester("some-intune-challenge", "leak.corp.example.com"), await currentRa(id), "tx-leak"), "198.51.100.78");
    const text = await response.text();
    expect([response.status, response.headers.get("content-type")]).toEqual([503, "text/plain; charset=utf-8"]);
    expect(text).toMatch(/^unavailable: Microsoft Intune cannot be reached/);
    for (const secret of [credentials.tenantId, credentials.clientId, "AADSTS", "invalid_client", "127.0.0.1"]) expect(text).not.toContain(secret);
  });
});
