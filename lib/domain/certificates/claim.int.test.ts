import { X509Certificate } from "node:crypto";
import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db";
import { rotateFrontdoorCa } from "@/lib/domain/ca/rotate";
import { updateFrontdoor } from "@/lib/domain/frontdoors";
import { redeemToken } from "@/lib/domain/certificates";
import { renewCertificate } from "@/lib/domain/certificates/renew";
import { createToken, updateToken } from "@/lib/domain/tokens";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { openssl, opensslCsr } from "@/lib/testing/openssl";

// A CA rotation that commits between the signature and the claim: the claim statement
// re-checks that the signing CA is still current, loses, and the pipeline signs once more
// with the new CA. The race is real: the rotation runs on its own connection and commits
// just before the pipeline's claim statement goes to PostgreSQL.

type Query = (...args: unknown[]) => unknown;
const textOf = (q: unknown) => (typeof q === "string" ? q : ((q as { text?: string } | undefined)?.text ?? "")).trimStart();

/** Runs `issue`, running `meanwhile` (on its own connection) right before the first claim statement is sent; counts the claims. */
async function withBeforeClaim<T, M>(meanwhile: () => Promise<M>, issue: () => Promise<T>) {
  const send = pg.Client.prototype.query as unknown as Query;
  let claims = 0;
  let done: M | undefined;
  vi.spyOn(pg.Client.prototype, "query").mockImplementation(async function (this: pg.Client, ...args: unknown[]) {
    if (textOf(args[0]).startsWith("WITH claim AS")) {
      claims += 1;
      if (claims === 1) done = await meanwhile();
    }
    return send.apply(this, args);
  } as unknown as Query as never);
  try {
    return { result: await issue(), claims, done: done! };
  } finally {
    vi.restoreAllMocks();
  }
}

/** Runs `issue`, rotating the Frontdoor's CA right before its first claim statement is sent; counts the claims. */
async function withRotationBeforeClaim<T>(frontdoorId: string, issue: () => Promise<T>) {
  const { result, claims, done } = await withBeforeClaim(() => rotateFrontdoorCa(system, frontdoorId), issue);
  return { result, claims, rotation: done };
}

afterEach(() => vi.restoreAllMocks());

const signedBy = (leafPem: string, caId: string) =>
  getDb().certificateAuthority.findUniqueOrThrow({ where: { id: caId } }).then((ca) => new X509Certificate(leafPem).verify(new X509Certificate(ca.certificatePem).publicKey));

describe("a CA rotation between signature and claim", () => {
  it("a redemption is signed again by the new CA and stored under it, once", async () => {
    const frontdoorId = (await makeFrontdoor()).id;
    const token = await createToken(system, frontdoorId, { name: "raced", commonName: "raced.example.com" });
    const { result, claims, rotation } = await withRotationBeforeClaim(frontdoorId, () =>
      redeemToken({ frontdoorId, secret: token.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} }),
    );
    expect(claims).toBe(2);
    expect(await signedBy(result.certificate, rotation.current.id)).toBe(true);
    expect(await signedBy(result.certificate, rotation.retired.id)).toBe(false);
    expect(result.caCertificates.startsWith((await getDb().certificateAuthority.findUniqueOrThrow({ where: { id: rotation.current.id } })).certificatePem)).toBe(true);
    const stored = await getDb().clientCertificate.findMany({ where: { frontdoorId }, select: { id: true, issuerId: true } });
    expect(stored).toEqual([{ id: result.id, issuerId: rotation.current.id }]);
    expect(await getDb().auditEvent.count({ where: { frontdoorId, action: { in: ["token.redeemed", "certificate.issued"] } } })).toBe(2);
  });

  it("a renewal likewise", async () => {
    const frontdoorId = (await makeFrontdoor()).id;
    const token = await createToken(system, frontdoorId, { name: "renewed", commonName: "renewed.example.com", validDays: 5 });
    const csr = opensslCsr("ec-p256");
    const old = await redeemToken({ frontdoorId, secret: token.token, body: { type: "CSR", value: csr.csrPem }, context: {} });
    const renewal = openssl(["req", "-new", "-key", csr.keyFile, "-subj", "/CN=renewed"]);
    const { result, claims, rotation } = await withRotationBeforeClaim(frontdoorId, () =>
      renewCertificate({ frontdoorId, body: { type: "CSR", value: renewal, certificate: old.certificate }, context: {} }).then((renewed) => renewed.certificate),
    );
    expect(claims).toBe(2);
    expect(await signedBy(result.certificate, rotation.current.id)).toBe(true);
    expect(await getDb().clientCertificate.findUniqueOrThrow({ where: { id: result.id }, select: { issuerId: true, renewedFromId: true } })).toEqual({ issuerId: rotation.current.id, renewedFromId: old.id });
  });
});

describe("renewal turned off between signature and claim", () => {
  it("the claim loses and the answer is renewal_disabled; nothing is issued", async () => {
    const frontdoorId = (await makeFrontdoor()).id;
    const token = await createToken(system, frontdoorId, { name: "switched off", commonName: "off.example.com", validDays: 5 });
    const csr = opensslCsr("ec-p256");
    const old = await redeemToken({ frontdoorId, secret: token.token, body: { type: "CSR", value: csr.csrPem }, context: {} });
    const renewal = openssl(["req", "-new", "-key", csr.keyFile, "-subj", "/CN=off"]);
    const outcome = withBeforeClaim(
      () => getDb().frontdoor.update({ where: { id: frontdoorId }, data: { renewalWindowDays: 0 } }),
      () => renewCertificate({ frontdoorId, body: { type: "CSR", value: renewal, certificate: old.certificate }, context: {} }),
    );
    await expect(outcome).rejects.toMatchObject({ code: "renewal_disabled" });
    expect(await getDb().clientCertificate.count({ where: { frontdoorId } })).toBe(1);
  });
});

describe("a token changed between signature and claim", () => {
  it("the redemption reads it again and issues what it says now, once", async () => {
    const frontdoorId = (await makeFrontdoor()).id;
    const token = await createToken(system, frontdoorId, { name: "changing", commonName: "before.example.com" });
    const { result, claims } = await withBeforeClaim(
      () => updateToken(system, frontdoorId, token.id, { commonName: "after.example.com" }),
      () => redeemToken({ frontdoorId, secret: token.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} }),
    );
    expect(claims).toBe(2);
    expect(result.commonName).toBe("after.example.com");
    expect(new X509Certificate(result.certificate).subject).toContain("CN=after.example.com");
    expect(await getDb().clientCertificate.count({ where: { frontdoorId } })).toBe(1);
  });
});

describe("the Frontdoor's profile changed between signature and claim", () => {
  it("a redemption is read again and issued under the profile as it is now", async () => {
    const frontdoorId = (await makeFrontdoor()).id;
    const token = await createToken(system, frontdoorId, { name: "reshaped", commonName: "reshaped.example.com" });
    const { result, claims } = await withBeforeClaim(
      () => updateFrontdoor(system, frontdoorId, { profile: { extendedKeyUsage: ["clientAuth", "serverAuth"] } }),
      () => redeemToken({ frontdoorId, secret: token.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} }),
    );
    expect(claims).toBe(2);
    expect(openssl(["x509", "-noout", "-ext", "extendedKeyUsage"], { input: result.certificate })).toMatch(/TLS Web Client Authentication, TLS Web Server Authentication/);
  });

  it("a renewal answers 409 conflict and issues nothing", async () => {
    const frontdoorId = (await makeFrontdoor()).id;
    const token = await createToken(system, frontdoorId, { name: "renewal reshaped", commonName: "rr.example.com", validDays: 5 });
    const csr = opensslCsr("ec-p256");
    const old = await redeemToken({ frontdoorId, secret: token.token, body: { type: "CSR", value: csr.csrPem }, context: {} });
    const renewal = openssl(["req", "-new", "-key", csr.keyFile, "-subj", "/CN=rr"]);
    const outcome = withBeforeClaim(
      () => updateFrontdoor(system, frontdoorId, { profile: { extendedKeyUsage: ["clientAuth", "serverAuth"] } }),
      () => renewCertificate({ frontdoorId, body: { type: "CSR", value: renewal, certificate: old.certificate }, context: {} }),
    );
    await expect(outcome).rejects.toMatchObject({ code: "conflict" });
    expect(await getDb().clientCertificate.count({ where: { frontdoorId } })).toBe(1);
  });
});
