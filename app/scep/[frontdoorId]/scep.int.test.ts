import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { caChainPem } from "@/lib/domain/ca/trust";
import { currentRa } from "@/lib/domain/scep/ra";
import { updateFrontdoor } from "@/lib/domain/frontdoors";
import { answerToken, createToken, updateToken } from "@/lib/domain/tokens";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";
import { toPem } from "@/lib/pki/pem";
import { certificateText, openssl, verifyClientCertificate } from "@/lib/testing/openssl";
import { runScepClient, type ScepServer, serveScep } from "@/lib/testing/scep-client";
import { createApiKey } from "@/lib/domain/access/api-keys";
import { call } from "@/lib/testing/http";
import * as challengeRoute from "@/app/frontdoor/[frontdoorId]/scep/challenge/route";
import * as scep from "./route";

// SCEP end to end with a real client: Debian's scepclient (micromdm 2.1.0), which signs with
// SHA-1, encrypts with single DES and posts application/octet-stream.

let server: ScepServer;
let frontdoorId: string;
let raDer: Uint8Array;
const url = () => `${server.origin}/scep/${frontdoorId}`;
const newToken = (fields: { commonName?: string; validDays?: number } = {}) => createToken(system, frontdoorId, { name: "laptop", commonName: "laptop-1.corp.example.com", validDays: 1, ...fields });
const count = () => getDb().clientCertificate.count({ where: { frontdoorId } });
const get = (operation: string, path = `/scep/${frontdoorId}`) => scep.GET(new Request(`http://localhost${path}?operation=${operation}`), { params: Promise.resolve({ frontdoorId }) });

beforeAll(async () => {
  frontdoorId = (await makeFrontdoor()).id;
  server = await serveScep();
  raDer = (await currentRa(frontdoorId)).certificateDer;
});
afterAll(() => server.close());

describe("GetCACaps and GetCACert", () => {
  it("GetCACaps promises what the door does", async () => {
    const response = await get("GetCACaps");
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect((await response.text()).split("\n")).toEqual(expect.arrayContaining(["POSTPKIOperation", "SHA-256", "SHA-1", "AES", "DES3", "Renewal", "SCEPStandard"]));
  });

  it("GetCACert is exactly application/x-x509-ca-ra-cert with the RSA RA first, signed by the issuing CA that follows it", async () => {
    const response = await get("GetCACert");
    expect(response.headers.get("content-type")).toBe("application/x-x509-ca-ra-cert");
    const printed = openssl(["pkcs7", "-print_certs"], { input: toPem(Buffer.from(await response.arrayBuffer()), "PKCS7") });
    const [ra, issuing, root] = (printed.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem));
    expect(ra!.raw.equals(Buffer.from(raDer))).toBe(true);
    expect(ra!.publicKey.asymmetricKeyType).toBe("rsa");
    expect(ra!.verify(issuing!.publicKey)).toBe(true);
    expect(issuing!.verify(root!.publicKey)).toBe(true);
    const text = certificateText(ra!.toString());
    expect(text).toMatch(/Digital Signature, Key Encipherment/);
    expect(text).not.toMatch(/TLS Web Client Authentication/);
  });

  it("unknown Frontdoor and unknown operation are plain-text HTTP errors", async () => {
    const unknown = await scep.GET(new Request("http://localhost/scep/x?operation=GetCACert"), { params: Promise.resolve({ frontdoorId: "00000000-0000-4000-8000-000000000000" }) });
    expect([unknown.status, unknown.headers.get("content-type")]).toEqual([404, "text/plain; charset=utf-8"]);
    const bad = await get("Nope");
    expect(bad.status).toBe(400);
  });
});

describe("PKIOperation with scepclient", () => {
  it("enrolls with a token (redeeming it, audited as channel scep); the certificate verifies against ca.pem; a second use is refused", async () => {
    const token = await newToken();
    const before = await count();
    const run = await runScepClient(`${url()}/pkiclient.exe`, raDer, { challenge: token.token });
    expect(run.output).not.toMatch(/failed/);
    expect(run.isOk).toBe(true);
    const pem = readFileSync(run.certificateFile, "utf8");
    expect(verifyClientCertificate(pem, await caChainPem(frontdoorId))).toMatch(/OK/);
    expect(certificateText(pem)).toMatch(/CN=laptop-1\.corp\.example\.com/);
    expect(await count()).toBe(before + 1);
    const stored = await getDb().certificateRequestToken.findUniqueOrThrow({ where: { id: token.id }, select: { redeemedAt: true } });
    expect(stored.redeemedAt).not.toBeNull();
    const events = await getDb().auditEvent.findMany({ where: { frontdoorId, targetId: token.id, action: "token.redeemed" }, select: { details: true } });
    expect(events.map((e) => (e.details as { channel?: string }).channel)).toEqual(["scep"]);

    const again = await runScepClient(url(), raDer, { challenge: token.token });
    expect(again.isOk).toBe(false);
    expect(again.output).toMatch(/FAILURE|failInfo: badRequest/);
    expect(existsSync(again.certificateFile)).toBe(false);
    expect(await count()).toBe(before + 1);
  });

  it("renews with RenewalReq (signed by the current certificate): same subject and key, audited as channel scep", async () => {
    const token = await newToken({ commonName: "laptop-2.corp.example.com" });
    const first = await runScepClient(url(), raDer, { challenge: token.token, cn: "laptop-2.corp.example.com" });
    expect(first.isOk).toBe(true);
    const oldPem = readFileSync(first.certificateFile, "utf8");
    const renewed = await runScepClient(url(), raDer, { dir: first.dir, cn: "laptop-2.corp.example.com" });
    expect(renewed.output).not.toMatch(/failed/);
    expect(renewed.isOk).toBe(true);
    const newPem = readFileSync(renewed.certificateFile, "utf8");
    const [old, next] = [new X509Certificate(oldPem), new X509Certificate(newPem)];
    expect(next.serialNumber).not.toBe(old.serialNumber);
    expect(next.subject).toBe(old.subject);
    expect(next.publicKey.export({ format: "der", type: "spki" }).equals(old.publicKey.export({ format: "der", type: "spki" }))).toBe(true);
    expect(verifyClientCertificate(newPem, await caChainPem(frontdoorId))).toMatch(/OK/);
    const oldRow = await getDb().clientCertificate.findFirstOrThrow({ where: { frontdoorId, serialNumber: old.serialNumber.toLowerCase() }, select: { id: true, renewedAt: true } });
    expect(oldRow.renewedAt).not.toBeNull();
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { frontdoorId, action: "certificate.renewed", details: { path: ["renewedFromId"], equals: oldRow.id } }, select: { details: true } });
    expect(event.details).toMatchObject({ channel: "scep" });
  });

  it("an expired or unknown challenge gets FAILURE badRequest, an audit event with channel scep, and nothing issued", async () => {
    const expired = await newToken();
    await updateToken(system, frontdoorId, expired.id, { expiresAt: new Date().toISOString() });
    const before = await count();
    for (const challenge of [expired.token, "crt_unknownunknownunknownunknown00", "not-a-certdoor-token"]) {
      const run = await runScepClient(url(), raDer, { challenge });
      expect(run.isOk).toBe(false);
      expect(run.output).toMatch(/failInfo: badRequest/);
    }
    expect(await count()).toBe(before);
    const failures = await getDb().auditEvent.findMany({ where: { frontdoorId, action: "token.redeem_failed" }, select: { details: true, targetId: true } });
    expect(failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ targetId: expired.id, details: expect.objectContaining({ code: "token_expired", channel: "scep" }) }),
        expect.objectContaining({ details: expect.objectContaining({ code: "token_not_found", channel: "scep" }) }),
      ]),
    );
  });
});

describe("SCEP under the two-person rule", () => {
  it("a challenge waiting for approval, or rejected, gets FAILURE badRequest; once approved it enrolls", async () => {
    await updateFrontdoor(system, frontdoorId, { approvals: { required: 1 } });
    try {
      const approver = await makeUser("admin");
      const pending = await newToken();
      const rejected = await newToken();
      await answerToken(approver.principal, frontdoorId, rejected.id, { decision: "reject" });
      const before = await count();
      for (const challenge of [pending.token, rejected.token]) {
        const run = await runScepClient(url(), raDer, { challenge });
        expect(run.isOk).toBe(false);
        expect(run.output).toMatch(/failInfo: badRequest/);
      }
      expect(await count()).toBe(before);
      const codes = await getDb().auditEvent.findMany({ where: { frontdoorId, action: "token.redeem_failed", targetId: { in: [pending.id, rejected.id] } }, select: { details: true } });
      expect(codes.map((e) => (e.details as { code: string }).code).sort()).toEqual(["token_pending_approval", "token_rejected"]);

      await answerToken(approver.principal, frontdoorId, pending.id, { decision: "approve" });
      expect((await runScepClient(url(), raDer, { challenge: pending.token })).isOk).toBe(true);
      expect(await count()).toBe(before + 1);
    } finally {
      await updateFrontdoor(system, frontdoorId, { approvals: { required: 0 } });
    }
  });
});

describe("SCEP with a dynamic challenge (an MDM's challenge URL)", () => {
  it("scepclient enrolls with a challenge fetched from GET /frontdoor/{id}/scep/challenge: the CN comes from the CSR, and the challenge works once", async () => {
    const admin = await makeUser("admin");
    const { key } = await createApiKey(admin.principal, { name: "jamf" });
    const fetched = await call(challengeRoute.GET, { frontdoorId }, { path: `/frontdoor/${frontdoorId}/scep/challenge`, headers: { Authorization: `Basic ${Buffer.from(`jamf:${key}`).toString("base64")}` } });
    expect(fetched.status).toBe(200);
    const challenge = String(fetched.body);
    const before = await count();
    const run = await runScepClient(url(), raDer, { challenge, cn: "ipad-17.corp.example.com" });
    expect(run.isOk, run.output).toBe(true);
    const pem = readFileSync(run.certificateFile, "utf8");
    expect(new X509Certificate(pem).subject).toContain("CN=ipad-17.corp.example.com");
    expect(verifyClientCertificate(pem, await caChainPem(frontdoorId))).toContain("OK");
    expect(await count()).toBe(before + 1);
    const again = await runScepClient(url(), raDer, { challenge, cn: "ipad-18.corp.example.com" });
    expect(again.isOk).toBe(false);
    expect(again.output).toMatch(/failInfo: badRequest/);
  });
});
