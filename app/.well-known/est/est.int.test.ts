import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { createToken } from "@/lib/domain/tokens";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { call, fromAddress } from "@/lib/testing/http";
import { certificateText, openssl, opensslCsr, publicKeyOfCertificate, publicKeyOfCsr, subjectAltNameText, tempDir, verifyClientCertificate } from "@/lib/testing/openssl";
import { splitPemChain } from "@/lib/pki/pem";
import * as caPem from "@/app/frontdoor/[frontdoorId]/ca.pem/route";
import * as cacerts from "./[frontdoorId]/cacerts/route";
import * as simpleenroll from "./[frontdoorId]/simpleenroll/route";

// EST as a device does it: `openssl req -outform DER | base64`, one POST with the token as
// the Basic password, and the answer read back by `openssl pkcs7`. Every refusal is plain
// text with redemption's status, and the token is as single-use as by any other door.

let frontdoorId: string;
beforeAll(async () => {
  frontdoorId = (await makeFrontdoor()).id;
});

const newToken = () => createToken(system, frontdoorId, { name: "est device", commonName: "device-7.example.com", organization: "Example Corp" });

/** An openssl-made key and request, the request as base64 of its DER wrapped the way `base64` wraps (76 columns). */
function derCsr(extra: string[] = []) {
  const csr = opensslCsr("ec-p256", "/CN=from-the-csr/O=Other Org", extra);
  const der = execFileSync("openssl", ["req", "-in", csr.csrFile, "-outform", "DER"]);
  return { ...csr, base64: der.toString("base64").match(/.{1,76}/g)!.join("\r\n") + "\r\n" };
}

const basic = (password: string, user = "est") => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

const enroll = (body: string, authorization: string | null, options: { fd?: string; ip?: string } = {}) =>
  call(simpleenroll.POST, { frontdoorId: options.fd ?? frontdoorId }, {
    method: "POST",
    rawBody: body,
    headers: { "Content-Type": "application/pkcs10", ...fromAddress(options.ip ?? "198.51.100.70"), ...(authorization ? { Authorization: authorization } : {}) },
  });

/** The certificates of a base64 PKCS#7 body, as `openssl pkcs7 -inform DER -print_certs` prints them. */
function printCerts(base64Body: string): string[] {
  const file = path.join(tempDir(), "p7.der");
  writeFileSync(file, Buffer.from(base64Body, "base64"));
  return splitPemChain(openssl(["pkcs7", "-inform", "DER", "-in", file, "-print_certs"]));
}

const chainOf = async (fd: string) => (await call(caPem.GET, { frontdoorId: fd })).body as string;

async function expectIssued(res: Awaited<ReturnType<typeof enroll>>, csr: ReturnType<typeof derCsr>) {
  expect(res.status, res.body).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/pkcs7-mime; smime-type=certs-only");
  expect(res.headers.get("content-transfer-encoding")).toBe("base64");
  const certs = printCerts(res.body);
  expect(certs).toHaveLength(1);
  const cert = certs[0]!;
  expect(verifyClientCertificate(cert, await chainOf(frontdoorId))).toContain("OK");
  const text = certificateText(cert);
  expect(text).toMatch(/Subject: CN=device-7\.example\.com,O=Example Corp/);
  expect(text).not.toContain("from-the-csr");
  expect(publicKeyOfCertificate(cert)).toBe(publicKeyOfCsr(csr.csrPem));
  return cert;
}

describe("EST simpleenroll", () => {
  it("Basic: a base64 DER request becomes a certs-only PKCS#7 that openssl reads and verifies; the token is redeemed; a second enrollment is refused", async () => {
    const token = await newToken();
    const csr = derCsr();
    const cert = await expectIssued(await enroll(csr.base64, basic(token.token)), csr);

    const db = getDb();
    const row = await db.clientCertificate.findFirstOrThrow({ where: { frontdoorId, certificatePem: cert } });
    expect((await db.certificateRequestToken.findUniqueOrThrow({ where: { id: token.id } })).clientCertificateId).toBe(row.id);
    expect(await db.auditEvent.count({ where: { action: "token.redeemed", targetId: token.id, ip: "198.51.100.70" } })).toBe(1);

    const again = await enroll(derCsr().base64, basic(token.token, "anybody"));
    expect({ status: again.status, type: again.headers.get("content-type") }).toEqual({ status: 409, type: "text/plain; charset=utf-8" });
    expect(again.body).toMatch(/^token_already_used: This token was redeemed already; tokens are single-use\. .*\n$/);
    expect(again.body.trim().split("\n")).toHaveLength(1);
    const failures = await db.auditEvent.findMany({ where: { action: "token.redeem_failed", targetId: token.id } });
    expect(failures.map((e) => e.details)).toEqual([{ code: "token_already_used", count: 1 }]);
    expect((await db.certificateRequestToken.findUniqueOrThrow({ where: { id: token.id } })).clientCertificateId).toBe(row.id);
  });

  it("the certificate carries exactly the token's SANs, none the request asks for", async () => {
    const token = await createToken(system, frontdoorId, { name: "est device", commonName: "device-7.example.com", organization: "Example Corp", subjectAltNames: { dns: ["device-7.example.com"], uri: ["spiffe://example.com/device/7"] } });
    const csr = derCsr(["-addext", "subjectAltName=DNS:evil.example,URI:spiffe://evil.example/x"]);
    const cert = await expectIssued(await enroll(csr.base64, basic(token.token)), csr);
    expect(subjectAltNameText(cert)).toBe("DNS:device-7.example.com, URI:spiffe://example.com/device/7");
  });

  it("Bearer, unwrapped base64 and a PEM body work too", async () => {
    const bearerToken = await newToken();
    const csr = derCsr();
    await expectIssued(await enroll(csr.base64.replace(/\s+/g, ""), `Bearer ${bearerToken.token}`), csr);

    const pemToken = await newToken();
    const pemCsr = derCsr();
    await expectIssued(await enroll(pemCsr.csrPem, basic(pemToken.token)), pemCsr);
  });

  it("without a credential: 401 with a Basic challenge, and the token is untouched", async () => {
    const token = await newToken();
    for (const authorization of [null, basic(""), "Basic !!!", "Digest username=est"]) {
      const res = await enroll(derCsr().base64, authorization);
      expect({ status: res.status, challenge: res.headers.get("www-authenticate") }).toEqual({ status: 401, challenge: 'Basic realm="certdoor EST"' });
      expect(res.body).toMatch(/^unauthenticated: /);
    }
    expect((await getDb().certificateRequestToken.findUniqueOrThrow({ where: { id: token.id } })).redeemedAt).toBeNull();
  });

  it("refuses a malformed request (400), an unknown token or Frontdoor (404) and an expired token (410), as text", async () => {
    const token = await newToken();
    const expectText = (res: Awaited<ReturnType<typeof enroll>>, status: number, code: string) => {
      expect({ status: res.status, type: res.headers.get("content-type"), code: String(res.body).split(":")[0] }).toEqual({ status, type: "text/plain; charset=utf-8", code });
    };
    expectText(await enroll("this is not base64 at all!", basic(token.token)), 400, "invalid_csr");
    expectText(await enroll("", basic(token.token)), 400, "invalid_csr");
    expectText(await enroll(randomBytes(300).toString("base64"), basic(token.token)), 400, "invalid_csr");
    expect((await getDb().certificateRequestToken.findUniqueOrThrow({ where: { id: token.id } })).redeemedAt).toBeNull();

    expectText(await enroll(derCsr().base64, basic(`crt_${"x".repeat(32)}`)), 404, "token_not_found");
    expectText(await enroll(derCsr().base64, basic(token.token), { fd: (await makeFrontdoor()).id }), 404, "token_not_found");
    expectText(await enroll(derCsr().base64, basic(token.token), { fd: "00000000-0000-4000-8000-000000000000" }), 404, "frontdoor_not_found");

    await getDb().certificateRequestToken.update({ where: { id: token.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expectText(await enroll(derCsr().base64, basic(token.token)), 410, "token_expired");
  });

  it("shares redemption's guess limit (20 a minute): an address that keeps guessing is told to wait, as text with Retry-After", async () => {
    const csr = derCsr().base64;
    const ip = "203.0.113.90";
    for (let i = 0; i < 20; i++) expect((await enroll(csr, basic(`crt_guess${String(i).padStart(24, "0")}`), { ip })).status).toBe(404);
    const limited = await enroll(csr, basic("crt_guessnumbertwentyone000000000"), { ip });
    expect({ status: limited.status, type: limited.headers.get("content-type") }).toEqual({ status: 429, type: "text/plain; charset=utf-8" });
    expect(limited.body).toMatch(/^rate_limited: Too many attempts with unknown tokens\. Wait \d+ seconds\.\n$/);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("EST cacerts", () => {
  it("is the Frontdoor's chain (issuing CA, then root) as a certs-only PKCS#7, the same certificates as ca.pem", async () => {
    const res = await call(cacerts.GET, { frontdoorId });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pkcs7-mime");
    expect(res.headers.get("content-transfer-encoding")).toBe("base64");
    const chain = splitPemChain(await chainOf(frontdoorId));
    expect(chain).toHaveLength(2);
    expect(printCerts(res.body)).toEqual(chain.map((pem) => pem.trim() + "\n"));
  });

  it("answers an unknown Frontdoor with 404 as text", async () => {
    for (const fd of ["00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      const res = await call(cacerts.GET, { frontdoorId: fd });
      expect({ status: res.status, type: res.headers.get("content-type"), body: res.body }).toEqual({
        status: 404,
        type: "text/plain; charset=utf-8",
        body: expect.stringMatching(/^frontdoor_not_found: No Frontdoor with this id.*not its name: `certdoor frontdoor list`.* shows the ids\.\n$/),
      });
    }
  });
});
