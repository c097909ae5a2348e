import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { getCertificate, redeemToken, revokeCertificate } from "@/lib/domain/certificates";
import { updateFrontdoor } from "@/lib/domain/frontdoors";
import { createToken } from "@/lib/domain/tokens";
import { createApiKey } from "@/lib/domain/access/api-keys";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";
import { call } from "@/lib/testing/http";
import { openssl, opensslCsr, publicKeyOfCertificate, tempDir, verifyClientCertificate } from "@/lib/testing/openssl";
import { dashboardStats } from "@/lib/domain/dashboard";
import * as list from "../route";
import * as renew from "./route";

// Renewal as a system does it: `openssl req -new -key key.pem` and one POST with the
// current certificate. Each refusal is provoked once.

let frontdoorId: string;
beforeAll(async () => {
  frontdoorId = (await makeFrontdoor()).id;
});

async function issued(options: { validDays?: number; fd?: string } = {}) {
  const fd = options.fd ?? frontdoorId;
  const token = await createToken(system, fd, { name: "renewable", commonName: "agent-1.example.com", organization: "Example Corp", validDays: options.validDays ?? 1 });
  const csr = opensslCsr("ec-p256", "/CN=ignored");
  const certificate = await redeemToken({ frontdoorId: fd, secret: token.token, body: { type: "CSR", value: csr.csrPem }, context: {} });
  return { certificate, keyFile: csr.keyFile, redemptionCsr: csr.csrPem };
}

const renewalCsr = (keyFile: string, subject = "/CN=something-else") => openssl(["req", "-new", "-key", keyFile, "-subj", subject]);

const post = (certificatePem: string, csrPem: string, fd = frontdoorId) =>
  call(renew.POST, { frontdoorId: fd }, { method: "POST", body: { type: "CSR", value: csrPem, certificate: certificatePem } });

describe("renewal takes nothing from its CSR", () => {
  it("an O or OU the old certificate lacks is not added because the renewal CSR asks for it", async () => {
    // The token approved CN and O only: OU is blank, and a redemption would fill it from the CSR; a renewal must not.
    const { certificate, keyFile } = await issued();
    const res = await post(certificate.certificate, renewalCsr(keyFile, "/CN=agent-1.example.com/O=Evil Corp/OU=admins"));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ commonName: "agent-1.example.com", organization: "Example Corp", organizationalUnit: null });
    const subject = openssl(["x509", "-noout", "-subject", "-nameopt", "RFC2253"], { input: res.body.certificate as string });
    expect(subject.trim()).toBe("subject=CN=agent-1.example.com,O=Example Corp");
  });
});

describe("renewal", () => {
  it("renews with the same key: same subject and key, same lifetime, new serial; openssl verifies; once per certificate", async () => {
    const { certificate, keyFile } = await issued();
    const res = await post(certificate.certificate, renewalCsr(keyFile));
    expect(res.status).toBe(201);
    const next = res.body;
    expect(next).toMatchObject({ commonName: "agent-1.example.com", organization: "Example Corp", renewedFromId: certificate.id, renewedById: null, status: "valid", tokenId: null });
    expect(next.serialNumber).not.toBe(certificate.serialNumber);
    expect(verifyClientCertificate(next.certificate, next.caCertificates)).toContain("OK");
    expect(publicKeyOfCertificate(next.certificate)).toBe(publicKeyOfCertificate(certificate.certificate));
    expect(new Date(next.notAfter).getTime() - new Date(next.notBefore).getTime()).toBe(certificate.notAfter.getTime() - certificate.notBefore.getTime());
    expect((await getCertificate(system, frontdoorId, certificate.id)).renewedById).toBe(next.id);
    expect(await getDb().auditEvent.count({ where: { action: "certificate.renewed", targetId: next.id, details: { path: ["renewedFromId"], equals: certificate.id } } })).toBe(1);

    expect((await post(next.certificate, renewalCsr(keyFile))).status).toBe(201);
  });

  it("is idempotent for the key: whoever renews first, the holder gets the newest certificate of the line (200) and nothing more is issued", async () => {
    const { certificate, keyFile, redemptionCsr } = await issued();
    // Someone who saw the redemption CSR (any CSR ever made for the key) and the public certificate renews first.
    const first = await post(certificate.certificate, redemptionCsr);
    expect(first.status).toBe(201);
    const audited = await getDb().auditEvent.count();
    const certificates = await getDb().clientCertificate.count();

    // The holder's own timer, later: the same successor, not a lock-out.
    const mine = await post(certificate.certificate, renewalCsr(keyFile));
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ id: first.body.id, certificate: first.body.certificate, renewedFromId: certificate.id, status: "valid" });
    expect(mine.headers.get("content-location")).toBe(`/frontdoor/${frontdoorId}/client-certificates/${first.body.id}`);
    expect({ audited: await getDb().auditEvent.count(), certificates: await getDb().clientCertificate.count() }).toEqual({ audited, certificates });

    // The line goes on; asking with its first certificate answers with the newest.
    const third = await post(first.body.certificate, renewalCsr(keyFile));
    expect(third.status).toBe(201);
    const replayed = await post(certificate.certificate, redemptionCsr);
    expect({ status: replayed.status, id: replayed.body.id }).toEqual({ status: 200, id: third.body.id });

    // Another key learns nothing; a line whose newest certificate is revoked or expired is over.
    const stranger = await post(certificate.certificate, opensslCsr("ec-p256").csrPem);
    expect({ status: stranger.status, code: stranger.body.code }).toEqual({ status: 400, code: "renewal_key_mismatch" });
    await getDb().clientCertificate.update({ where: { id: third.body.id }, data: { notAfter: new Date(Date.now() - 1000) } });
    expect((await post(certificate.certificate, redemptionCsr)).body.code).toBe("certificate_expired");
    await revokeCertificate(system, frontdoorId, third.body.id, { reason: "keyCompromise" });
    const revoked = await post(first.body.certificate, renewalCsr(keyFile));
    expect({ status: revoked.status, code: revoked.body.code }).toEqual({ status: 410, code: "certificate_revoked" });
    expect(await getDb().clientCertificate.count()).toBe(certificates + 1);
  });

  it("refuses each case with its own code, and never issues for a certificate this CA did not sign", async () => {
    const expectCode = async (res: Awaited<ReturnType<typeof post>>, status: number, code: string) => expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });

    const longLived = await issued({ validDays: 365 });
    const early = await post(longLived.certificate.certificate, renewalCsr(longLived.keyFile));
    await expectCode(early, 409, "renewal_too_early");
    expect(early.body.detail).toMatch(/Renewal opens at \d{4}-\d\d-\d\dT/);

    const other = await issued();
    await expectCode(await post(other.certificate.certificate, opensslCsr("ec-p256").csrPem), 400, "renewal_key_mismatch");

    const revoked = await issued();
    await revokeCertificate(system, frontdoorId, revoked.certificate.id, { reason: "superseded" });
    await expectCode(await post(revoked.certificate.certificate, renewalCsr(revoked.keyFile)), 410, "certificate_revoked");

    const expired = await issued();
    await getDb().clientCertificate.update({ where: { id: expired.certificate.id }, data: { notAfter: new Date(Date.now() - 1000) } });
    await expectCode(await post(expired.certificate.certificate, renewalCsr(expired.keyFile)), 410, "certificate_expired");

    const closedFd = (await makeFrontdoor()).id;
    const closed = await issued({ fd: closedFd });
    await updateFrontdoor(system, closedFd, { tcpSharesEnabled: false });
    await expectCode(await post(closed.certificate.certificate, renewalCsr(closed.keyFile), closedFd), 409, "tcp_shares_disabled");

    const offFd = (await makeFrontdoor()).id;
    const off = await issued({ fd: offFd });
    await getDb().frontdoor.update({ where: { id: offFd }, data: { renewalWindowDays: 0 } });
    await expectCode(await post(off.certificate.certificate, renewalCsr(off.keyFile), offFd), 403, "renewal_disabled");

    // Another Frontdoor's certificate, and a self-made CA's certificate with the same subject.
    const elsewhereFd = (await makeFrontdoor()).id;
    const elsewhere = await issued({ fd: elsewhereFd });
    await expectCode(await post(elsewhere.certificate.certificate, renewalCsr(elsewhere.keyFile)), 404, "certificate_not_found");
    const dir = tempDir();
    const own = path.join(dir, "own.pem");
    execFileSync("openssl", ["req", "-x509", "-key", other.keyFile, "-subj", "/O=Example Corp/CN=agent-1.example.com", "-days", "1", "-out", own], { stdio: "ignore" });
    const before = await getDb().clientCertificate.count();
    await expectCode(await post(readFileSync(own, "utf8"), renewalCsr(other.keyFile)), 404, "certificate_not_found");
    await expectCode(await post("not a certificate", renewalCsr(other.keyFile)), 404, "certificate_not_found");
    expect(await getDb().clientCertificate.count()).toBe(before);
  });

  it("20 concurrent renewals of one certificate give exactly one new certificate, and every caller gets it", async () => {
    const { certificate, keyFile } = await issued();
    const csr = renewalCsr(keyFile);
    const results = await Promise.all(Array.from({ length: 20 }, () => post(certificate.certificate, csr)));
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    expect(results.filter((r) => r.status === 200 && r.body.id === created[0]!.body.id)).toHaveLength(19);
    expect(await getDb().clientCertificate.count({ where: { renewedFromId: certificate.id } })).toBe(1);
  });

  it("lists filter by renewed and by ending soon, and the dashboard counts renewals", async () => {
    const fd = (await makeFrontdoor()).id;
    const due = await issued({ fd });
    const later = await issued({ fd, validDays: 365 });
    const next = (await post(due.certificate.certificate, renewalCsr(due.keyFile), fd)).body;
    const key = (await createApiKey(system, { name: "filters", ownerEmail: (await makeUser("auditor")).email })).key;
    const ids = async (query: string) => {
      const res = await call(list.GET, { frontdoorId: fd }, { path: `/?${query}`, key });
      expect(res.status).toBe(200);
      return (res.body.content as { id: string }[]).map((c) => c.id).sort();
    };
    expect(await ids("renewed=true")).toEqual([due.certificate.id]);
    expect(await ids("renewed=false")).toEqual([next.id, later.certificate.id].sort());
    expect(await ids("expiringWithin=P30D")).toEqual([due.certificate.id, next.id].sort());
    expect(await ids("expiringWithin=30d&renewed=false")).toEqual([next.id]);
    expect(await ids("expiringWithin=&renewed=")).toHaveLength(3);
    const bad = await call(list.GET, { frontdoorId: fd }, { path: "/?expiringWithin=soon", key });
    expect({ status: bad.status, code: bad.body.code }).toEqual({ status: 400, code: "validation_failed" });
    expect(bad.body.detail).toMatch(/expiringWithin/);
    const stats = await dashboardStats(system, fd);
    expect({ renewed: stats.certificatesRenewed, expiring: stats.certificatesExpiringSoon }).toEqual({ renewed: 1, expiring: 2 });
  });
});
