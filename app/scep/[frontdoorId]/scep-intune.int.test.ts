import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { caChainPem } from "@/lib/domain/ca/trust";
import { updateFrontdoor } from "@/lib/domain/frontdoors";
import { currentRa } from "@/lib/domain/scep/ra";
import { env } from "@/lib/env";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { startIntuneStandIn } from "@/lib/testing/intune-stand-in";
import { verifyClientCertificate } from "@/lib/testing/openssl";
import { runScepClient, type ScepServer, serveScep } from "@/lib/testing/scep-client";

// The SCEP door with Microsoft Intune behind it, end to end: a real client (scepclient) sends
// an Intune challenge (not a Certdoor token); the door hands it to Intune's validation service
// (the stand-in of Microsoft's published contract), issues with the CSR's names and reports
// success; a challenge Intune did not make is a FAILURE, reported to Intune as a failure.

const credentials = { tenantId: "contoso.onmicrosoft.com", clientId: "6f1c1b2e-8d7a-4c55-9a0e-1d2b3c4d5e6f", clientSecret: "intune~app~secret" };
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

  it("a challenge Intune did not make gets FAILURE badRequest, nothing is issued, and Intune hears of the failure", async () => {
    const raDer = (await currentRa(frontdoorId)).certificateDer;
    const before = await getDb().clientCertificate.count({ where: { frontdoorId } });
    const run = await runScepClient(`${server.origin}/scep/${frontdoorId}`, raDer, { challenge: "made-up-challenge", cn: "mac-43.corp.example.com" });
    expect(run.isOk).toBe(false);
    expect(run.output).toMatch(/failInfo: badRequest/);
    expect(await getDb().clientCertificate.count({ where: { frontdoorId } })).toBe(before);
    expect(standIn.calls.some((c) => c.path.endsWith("failureNotification"))).toBe(true);
    const refused = await getDb().auditEvent.findMany({ where: { frontdoorId, action: "token.redeem_failed" }, select: { details: true } });
    expect(refused.map((e) => (e.details as { code: string }).code)).toContain("intune_refused");
  });
});
