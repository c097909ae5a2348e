import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { updateFrontdoor } from "@/lib/domain/frontdoors";
import { createToken, revokeToken, updateToken } from "@/lib/domain/tokens";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { ecCsrWithSubject, keylessRsaCsr } from "@/lib/testing/forged-csr";
import { call, fromAddress } from "@/lib/testing/http";
import { flushRedeemFailures } from "@/lib/domain/certificates/redeem-failures";
import { certificateText, opensslCsr, publicKeyOfCertificate, publicKeyOfCsr, verifyClientCertificate } from "@/lib/testing/openssl";
import * as caPem from "../ca.pem/route";
import * as byBearer from "./token/route";
import * as byPath from "./token/[token]/route";

// The unknown-token limit per address (lib/http/rate-limit.ts tokenGuessLimiter).
const TOKEN_GUESS_LIMIT = 20;

let frontdoorId: string;
beforeAll(async () => {
  frontdoorId = (await makeFrontdoor()).id;
});

const newToken = async (fields: { commonName?: string; organization?: string; organizationalUnit?: string; validDays?: number } = {}, fd = frontdoorId) =>
  createToken(system, fd, { name: "redeem test", commonName: "build-agent-7.ci.example.com", organization: "Example Corp", organizationalUnit: "CI", ...fields });

const redeem = (secret: string, csrPem: string, options: { fd?: string; type?: string; ip?: string; forgedIp?: string } = {}) =>
  call(byPath.POST, { frontdoorId: options.fd ?? frontdoorId, token: secret }, {
    method: "POST",
    body: { type: options.type ?? "CSR", value: csrPem },
    headers: options.forgedIp ? { "x-certdoor-client-ip": options.forgedIp } : fromAddress(options.ip ?? "198.51.100.1"),
  });

describe("redeeming with openssl-made requests", () => {
  for (const spec of ["ec-p256", "ec-p384", "rsa-2048", "rsa-3072"] as const) {
    it(`${spec}: 201 with a certificate openssl verifies for client auth, the CSR's key and the token's subject`, async () => {
      const token = await newToken();
      const csr = opensslCsr(spec, "/CN=somebody-else/O=Other Org", ["-addext", "basicConstraints=critical,CA:TRUE"]);
      const res = await redeem(token.token, csr.csrPem);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^cert-[0-9a-f-]{36}$/),
        name: "redeem test",
        frontdoorId,
        tokenId: token.id,
        commonName: "build-agent-7.ci.example.com",
        organization: "Example Corp",
        organizationalUnit: "CI",
        keyAlgorithm: spec.toUpperCase(),
        status: "valid",
        serialNumber: expect.stringMatching(/^[0-9a-f]{32}$/),
        fingerprintSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });

      const chain = await call(caPem.GET, { frontdoorId }, {});
      expect(chain.status).toBe(200);
      expect(res.body.caCertificates).toBe(chain.body);
      expect(verifyClientCertificate(res.body.certificate, chain.body)).toContain("OK");
      expect(publicKeyOfCertificate(res.body.certificate)).toBe(publicKeyOfCsr(csr.csrPem));
      const text = certificateText(res.body.certificate);
      expect(text).toContain("Subject: CN=build-agent-7.ci.example.com,OU=CI,O=Example Corp");
      expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);

      const stored = await getDb().certificateRequestToken.findUniqueOrThrow({ where: { id: token.id } });
      expect(stored.redeemedAt).not.toBeNull();
      expect(stored.clientCertificateId).toBe(res.body.id);
    });
  }

  it("takes blank token fields from the request and accepts the token as a Bearer credential", async () => {
    const token = await createToken(system, frontdoorId, { name: "blank fields" });
    const csr = opensslCsr("ec-p256", "/CN=laptop-42/O=From CSR/OU=Desk");
    const res = await call(byBearer.POST, { frontdoorId }, {
      method: "POST",
      headers: { Authorization: `Bearer ${token.token}` },
      body: { type: "CSR", value: csr.csrPem },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ commonName: "laptop-42", organization: "From CSR", organizationalUnit: "Desk" });
  });

  it("refuses a certificate with no common name anywhere", async () => {
    const token = await createToken(system, frontdoorId, { name: "no cn" });
    const res = await redeem(token.token, opensslCsr("ec-p256", "/O=Only Org").csrPem);
    expect(res.body).toMatchObject({ status: 400, code: "invalid_csr" });
    expect((await getDb().certificateRequestToken.findUniqueOrThrow({ where: { id: token.id } })).redeemedAt).toBeNull();
  });
});

describe("every redemption error code", () => {
  it("answers each failure with its status and code, and audits it without the secret", async () => {
    const csr = opensslCsr("ec-p256").csrPem;
    const flipped = (() => {
      const der = Buffer.from(csr.replace(/-----[A-Z ]+-----|\s/g, ""), "base64");
      der[der.length - 5] = der[der.length - 5]! ^ 0x01;
      return `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
    })();
    const expectFailure = async (res: Awaited<ReturnType<typeof redeem>>, status: number, code: string) => {
      expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    };

    await expectFailure(await redeem((await newToken()).token, opensslCsr("rsa-1024").csrPem), 400, "unsupported_key");
    await expectFailure(await redeem((await newToken()).token, opensslCsr("ed25519").csrPem), 400, "unsupported_key");
    await expectFailure(await redeem((await newToken()).token, keylessRsaCsr()), 400, "unsupported_key");
    await expectFailure(await redeem((await newToken()).token, "definitely not a CSR"), 400, "invalid_csr");
    const blankToken = await createToken(system, frontdoorId, { name: "blank subject" });
    await expectFailure(await redeem(blankToken.token, ecCsrWithSubject([["2.5.4.3", "x".repeat(20_000)]])), 400, "invalid_csr");
    expect(await getDb().clientCertificate.count({ where: { name: "blank subject" } })).toBe(0);
    await expectFailure(await redeem((await newToken()).token, flipped), 400, "csr_signature_invalid");
    await expectFailure(await redeem((await newToken()).token, csr, { type: "SPKAC" }), 400, "unsupported_request_type");

    const big = await call(byPath.POST, { frontdoorId, token: (await newToken()).token }, { method: "POST", body: { type: "CSR", value: csr + " ".repeat(70_000) } });
    await expectFailure(big, 413, "payload_too_large");

    await expectFailure(await redeem("crt_00000000000000000000000000000000", csr), 404, "token_not_found");
    await expectFailure(await redeem((await newToken()).token, csr, { fd: "00000000-0000-4000-8000-000000000000" }), 404, "frontdoor_not_found");
    const elsewhere = await newToken({}, (await makeFrontdoor()).id);
    await expectFailure(await redeem(elsewhere.token, csr), 404, "token_not_found");

    const expired = await newToken();
    await updateToken(system, frontdoorId, expired.id, { expiresAt: new Date().toISOString() });
    await expectFailure(await redeem(expired.token, csr), 410, "token_expired");

    const revoked = await newToken();
    await revokeToken(system, frontdoorId, revoked.id);
    await expectFailure(await redeem(revoked.token, csr), 410, "token_revoked");

    const used = await newToken();
    expect((await redeem(used.token, csr)).status).toBe(201);
    await expectFailure(await redeem(used.token, opensslCsr("ec-p256").csrPem), 409, "token_already_used");

    const closed = await makeFrontdoor({ tcpSharesEnabled: true });
    const onClosed = await newToken({}, closed.id);
    await updateFrontdoor(system, closed.id, { tcpSharesEnabled: false });
    await expectFailure(await redeem(onClosed.token, csr, { fd: closed.id }), 409, "tcp_shares_disabled");

    const failures = await getDb().auditEvent.findMany({ where: { action: "token.redeem_failed", targetId: revoked.id } });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ ip: "198.51.100.1", details: { code: "token_revoked", count: 1 }, actorKind: "token" });
    const all = JSON.stringify(await getDb().auditEvent.findMany({ where: { action: "token.redeem_failed" } }), (_k, v) => (typeof v === "bigint" ? String(v) : v));
    for (const secret of [revoked.token, used.token, expired.token]) expect(all).not.toContain(secret.slice(4));
  });

  it("tells an address that keeps guessing unknown tokens to wait, with Retry-After", async () => {
    const csr = opensslCsr("ec-p256").csrPem;
    const ip = "203.0.113.77";
    for (let i = 0; i < TOKEN_GUESS_LIMIT; i++) expect((await redeem(`crt_guess${String(i).padStart(24, "0")}`, csr, { ip })).body.code).toBe("token_not_found");
    const limited = await redeem("crt_guessnumbertwentyone000000000", csr, { ip });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another address is not affected, and a real token still works from it.
    expect((await redeem((await newToken()).token, csr, { ip: "203.0.113.78" })).status).toBe(201);
  });

  it("ignores an address header a client wrote itself (no server proof): it neither escapes the limit nor reaches the audit log", async () => {
    const csr = opensslCsr("ec-p256").csrPem;
    for (let i = 0; i < TOKEN_GUESS_LIMIT; i++) {
      expect((await redeem(`crt_forge${String(i).padStart(24, "0")}`, csr, { forgedIp: `198.18.0.${i}` })).body.code).toBe("token_not_found");
    }
    const limited = await redeem("crt_forgednumbertwentyone00000000", csr, { forgedIp: "198.18.1.1" });
    expect(limited.status).toBe(429);
    const forged = await getDb().auditEvent.count({ where: { ip: { startsWith: "198.18." } } });
    expect(forged).toBe(0);
  });
});

describe("auditing failed attempts without letting anyone grow the log", () => {
  it("200 attempts with a used token from one address in a minute: at most 2 events, whose counts add up to 200", async () => {
    const used = await newToken();
    const csr = opensslCsr("ec-p256").csrPem;
    expect((await redeem(used.token, csr)).status).toBe(201);
    const ua = "x".repeat(512);
    for (let i = 0; i < 200; i++) {
      const res = await call(byPath.POST, { frontdoorId, token: used.token }, { method: "POST", body: { type: "CSR", value: csr }, headers: { ...fromAddress("198.51.100.9"), "user-agent": ua } });
      expect(res.body.code).toBe("token_already_used");
    }
    // Another address is its own key, audited at once.
    expect((await redeem(used.token, csr, { ip: "198.51.100.10" })).body.code).toBe("token_already_used");

    const events = () => getDb().auditEvent.findMany({ where: { action: "token.redeem_failed", targetId: used.id, ip: "198.51.100.9" } });
    expect((await events()).map((e) => e.details)).toEqual([{ code: "token_already_used", count: 1 }]);
    expect(await flushRedeemFailures({ olderThanSeconds: 0 })).toBeGreaterThanOrEqual(1);
    const after = await events();
    expect(after.length).toBeLessThanOrEqual(2);
    expect(after.reduce((sum, e) => sum + (e.details as { count: number }).count, 0)).toBe(200);
    expect(after.every((e) => e.userAgent?.length === 200)).toBe(true);
    expect(await getDb().auditEvent.count({ where: { action: "token.redeem_failed", targetId: used.id, ip: "198.51.100.10" } })).toBe(1);
  });

  it("unknown tokens tried against Frontdoor B after A are audited on B, each Frontdoor with its own count", async () => {
    const csr = opensslCsr("ec-p256").csrPem;
    const other = (await makeFrontdoor()).id;
    const ip = "198.51.100.30";
    for (let i = 0; i < 3; i++) expect((await redeem(`crt_onA${String(i).padStart(26, "0")}`, csr, { ip })).body.code).toBe("token_not_found");
    for (let i = 0; i < 2; i++) expect((await redeem(`crt_onB${String(i).padStart(26, "0")}`, csr, { ip, fd: other })).body.code).toBe("token_not_found");
    await flushRedeemFailures({ olderThanSeconds: 0 });
    const countOn = async (fd: string) => (await getDb().auditEvent.findMany({ where: { action: "token.redeem_failed", ip, frontdoorId: fd } })).reduce((sum, e) => sum + (e.details as { count: number }).count, 0);
    expect(await countOn(frontdoorId)).toBe(3);
    expect(await countOn(other)).toBe(2);
  });

  it("80 concurrent unknown tokens from one address: at most the limit answered as unknown, the rest 429; then refused without a lookup", async () => {
    // Unknown tokens count failures (a redemption of a known token costs the limiter nothing):
    // a burst already in flight is looked up, but only the limit's worth is told "not found".
    const csr = opensslCsr("ec-p256").csrPem;
    const ip = "198.51.100.40";
    const answers = await Promise.all(Array.from({ length: 80 }, (_, i) => redeem(`crt_burst${String(i).padStart(24, "0")}`, csr, { ip })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 404).length).toBe(TOKEN_GUESS_LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBe(80 - TOKEN_GUESS_LIMIT);
    await flushRedeemFailures({ olderThanSeconds: 0 });
    const audited = async () => (await getDb().auditEvent.findMany({ where: { action: "token.redeem_failed", ip } })).reduce((sum, e) => sum + (e.details as { count: number }).count, 0);
    const before = await audited();
    const after = await redeem("crt_afterburst000000000000000000", csr, { ip });
    expect(after.status).toBe(429);
    await flushRedeemFailures({ olderThanSeconds: 0 });
    expect(await audited()).toBe(before);
  });

  it("concurrent failures are each counted once, and unknown tokens are counted per address", async () => {
    const csr = opensslCsr("ec-p256").csrPem;
    await Promise.all(Array.from({ length: 15 }, (_, i) => redeem(`crt_unknown${String(i).padStart(22, "0")}`, csr, { ip: "198.51.100.20" })));
    await flushRedeemFailures({ olderThanSeconds: 0 });
    const events = await getDb().auditEvent.findMany({ where: { action: "token.redeem_failed", ip: "198.51.100.20" } });
    expect(events.length).toBeLessThanOrEqual(2);
    expect(events.every((e) => e.actorKind === "anonymous" && e.targetId === null)).toBe(true);
    expect(events.reduce((sum, e) => sum + (e.details as { count: number }).count, 0)).toBe(15);
  });
});

describe("single use", () => {
  it("50 concurrent redemptions of one token: exactly one certificate and one success, 10 times over", async () => {
    const csrs = Array.from({ length: 5 }, () => opensslCsr("ec-p256").csrPem);
    for (let round = 0; round < 10; round++) {
      const token = await newToken();
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => redeem(token.token, csrs[i % csrs.length]!, { ip: `192.0.2.${round}` })));
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.code === "token_already_used")).toBe(true);
      const certificates = await getDb().clientCertificate.findMany({ where: { token: { id: token.id } } });
      expect(certificates).toHaveLength(1);
      const winner = results.find((r) => r.status === 201)!;
      expect(certificates[0]!.id).toBe(winner.body.id);
      expect(await getDb().clientCertificate.count({ where: { name: "redeem test", frontdoorId, token: null } })).toBe(0);
    }
  });

  it("a failure after the claim rolls the claim back: neither the certificate nor the redemption remains", async () => {
    const db = getDb();
    // A real fault inside the transaction: the database refuses the certificate's audit event.
    await db.$executeRawUnsafe(`
      CREATE FUNCTION refuse_issue() RETURNS trigger AS $$
      BEGIN IF NEW.action = 'certificate.issued' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await db.$executeRawUnsafe(`CREATE TRIGGER refuse_issue BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION refuse_issue()`);
    const token = await newToken();
    const csr = opensslCsr("ec-p256").csrPem;
    try {
      const failed = await redeem(token.token, csr);
      expect(failed.status).toBe(500);
      expect(failed.body).toMatchObject({ code: "internal" });
      expect(JSON.stringify(failed.body)).not.toContain("injected failure");
      const stored = await db.certificateRequestToken.findUniqueOrThrow({ where: { id: token.id } });
      expect(stored.redeemedAt).toBeNull();
      expect(stored.clientCertificateId).toBeNull();
      expect(await db.auditEvent.count({ where: { action: "token.redeemed", targetId: token.id } })).toBe(0);
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER refuse_issue ON "AuditEvent"`);
      await db.$executeRawUnsafe(`DROP FUNCTION refuse_issue()`);
    }
    expect((await redeem(token.token, csr)).status).toBe(201);
  });
});
