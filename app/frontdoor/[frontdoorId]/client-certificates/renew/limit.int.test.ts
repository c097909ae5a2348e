import { beforeAll, describe, expect, it } from "vitest";
import { redeemToken } from "@/lib/domain/certificates";
import { createToken } from "@/lib/domain/tokens";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { call, fromAddress } from "@/lib/testing/http";
import { openssl, opensslCsr } from "@/lib/testing/openssl";
import * as renew from "./route";

// The renewal limit per address (lib/http/rate-limit.ts renewalLimiter: 30 in 10 minutes):
// attempts that show no certificate of this Frontdoor keep their point, a holder's own
// renewals and refusals of a real certificate give it back.

const LIMIT = 30;
let frontdoorId: string;
beforeAll(async () => {
  frontdoorId = (await makeFrontdoor()).id;
});

const post = (certificatePem: string, csrPem: string, ip: string) =>
  call(renew.POST, { frontdoorId }, { method: "POST", body: { type: "CSR", value: csrPem, certificate: certificatePem }, headers: fromAddress(ip) });

describe("renewal limit per address", () => {
  it("40 concurrent renewals with a certificate that is not the Frontdoor's: at most 30 answered, the rest 429 with Retry-After (failures counted: a holder's renewals cost the limiter nothing)", async () => {
    const stranger = opensslCsr("ec-p256");
    const selfSigned = openssl(["req", "-x509", "-key", stranger.keyFile, "-subj", "/CN=stranger", "-days", "1"]);
    const answers = await Promise.all(Array.from({ length: 40 }, () => post(selfSigned, stranger.csrPem, "203.0.113.210")));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 404).length).toBe(LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBe(40 - LIMIT);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.body.code).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await post(selfSigned, stranger.csrPem, "203.0.113.211")).status).toBe(404);
  });

  it("a holder's refusals ('too early') and renewals give their points back", async () => {
    const token = await createToken(system, frontdoorId, { name: "long-lived", commonName: "agent-9.example.com", validDays: 365 });
    const csr = opensslCsr("ec-p256");
    const certificate = await redeemToken({ frontdoorId, secret: token.token, body: { type: "CSR", value: csr.csrPem }, context: {} });
    const again = openssl(["req", "-new", "-key", csr.keyFile, "-subj", "/CN=x"]);
    for (let i = 0; i < LIMIT + 5; i++) expect((await post(certificate.certificate, again, "203.0.113.212")).body.code).toBe("renewal_too_early");
  });
});

describe("renewals issued per key", () => {
  it("a line of short-lived certificates renewed with an old CSR over and over: 30 issued in an hour, then 429", async () => {
    // validDays 1 is shorter than the 30-day window: every certificate of the line is renewable at once.
    const token = await createToken(system, frontdoorId, { name: "short-lived", commonName: "agent-10.example.com", validDays: 1 });
    const csr = opensslCsr("ec-p256");
    let newest = (await redeemToken({ frontdoorId, secret: token.token, body: { type: "CSR", value: csr.csrPem }, context: {} })).certificate;
    const ips = Array.from({ length: 31 }, (_, i) => `198.18.7.${i + 1}`);
    for (const ip of ips.slice(0, 30)) {
      const renewed = await post(newest, csr.csrPem, ip);
      expect(renewed.status).toBe(201);
      newest = renewed.body.certificate as string;
    }
    const refused = await post(newest, csr.csrPem, ips[30]!);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another key's line is not held back.
    const other = await createToken(system, frontdoorId, { name: "short-lived 2", commonName: "agent-11.example.com", validDays: 1 });
    const otherCsr = opensslCsr("ec-p256");
    const otherCert = await redeemToken({ frontdoorId, secret: other.token, body: { type: "CSR", value: otherCsr.csrPem }, context: {} });
    expect((await post(otherCert.certificate, otherCsr.csrPem, ips[30]!)).status).toBe(201);
  });
});
