import { createHash, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { updateFrontdoor } from "@/lib/domain/frontdoors";
import { enrollWithIntune } from "@/lib/domain/scep/intune/enroll";
import { intuneFor } from "@/lib/domain/scep/intune/validator";
import { env } from "@/lib/env";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { INTUNE_TEST_CREDENTIALS, startIntuneStandIn, STAND_IN_INTUNE_SCOPE } from "@/lib/testing/intune-stand-in";
import { openssl, subjectAltNameText, tempDir, verifyClientCertificate } from "@/lib/testing/openssl";
import { fromPem } from "@/lib/pki/pem";

// Intune-validated SCEP enrolment against a stand-in for Microsoft's login, Graph and SCEP
// validation service (lib/testing/intune-stand-in.ts), which speaks Microsoft's published
// contract: validation, issuance from the CSR within the Frontdoor's rules, the success and
// failure notifications, single use of a challenge, bad credentials, the token cache. (The
// guards around it, approvals, single use across Frontdoors and the limit, are guards.int.test.ts.)

const credentials = INTUNE_TEST_CREDENTIALS;
let standIn: Awaited<ReturnType<typeof startIntuneStandIn>>;
let frontdoorId: string;

/** A device's CSR as Intune has it made: its names in subject and SANs, the challenge as challengePassword. */
function deviceCsr(challenge: string, commonName: string, dns: string): Uint8Array {
  const dir = tempDir();
  const config = path.join(dir, "req.cnf");
  writeFileSync(config, `[req]\ndistinguished_name=dn\nattributes=attrs\nprompt=no\n[dn]\nCN=${commonName}\n[attrs]\nchallengePassword=${challenge}\n`);
  const csrFile = path.join(dir, "req.csr");
  openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(dir, "key.pem"), "-out", csrFile, "-config", config, "-addext", `subjectAltName=DNS:${dns}`]);
  return fromPem(readFileSync(csrFile, "utf8"), ["CERTIFICATE REQUEST"])!;
}

const enroll = (transactionId: string, csrDer: Uint8Array, id = frontdoorId) => enrollWithIntune({ frontdoorId: id, transactionId, csrDer, context: { ip: "192.0.2.7", userAgent: "scep-test" } });
const callsFor = (transactionId: string) => standIn.callsFor(transactionId);

beforeAll(async () => {
  standIn = await startIntuneStandIn(credentials);
  Object.assign(env, { INTUNE_LOGIN_URL: standIn.url, INTUNE_GRAPH_URL: standIn.url });
  frontdoorId = (await makeFrontdoor()).id;
  await updateFrontdoor(system, frontdoorId, {
    profile: { allowCsrSubjectAltNames: true },
    namePolicy: { allow: { commonName: ["*.corp.example.com"], dns: ["*.corp.example.com"] } },
    scep: { intune: credentials },
  });
});
afterAll(() => standIn.close());

describe("an Intune-validated SCEP request", () => {
  it("is validated, issued with the CSR's names, audited as SCEP from Intune, and reported to Intune", async () => {
    const csrDer = deviceCsr(standIn.issueChallenge(), "laptop-7.corp.example.com", "laptop-7.corp.example.com");
    const certificate = await enroll("tx-issue-1", csrDer);

    expect(certificate).toMatchObject({ commonName: "laptop-7.corp.example.com", subjectAltNames: { dns: ["laptop-7.corp.example.com"] }, tokenId: null });
    expect(verifyClientCertificate(certificate.certificate, certificate.caCertificates)).toContain("OK");
    expect(subjectAltNameText(certificate.certificate)).toBe("DNS:laptop-7.corp.example.com");
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "certificate.issued", targetId: certificate.id } });
    expect(event.details).toMatchObject({ channel: "scep", source: "intune", transactionId: "tx-issue-1", serialNumber: certificate.serialNumber });
    expect(await getDb().intuneScepTransaction.findFirstOrThrow({ where: { frontdoorId, transactionId: "tx-issue-1" } })).toMatchObject({ certificateId: certificate.id });

    const [validate, success, ...more] = callsFor("tx-issue-1");
    expect(more).toEqual([]);
    const csrBase64 = Buffer.from(csrDer).toString("base64");
    expect(validate).toMatchObject({ path: "validateRequest", body: { request: { transactionId: "tx-issue-1", certificateRequest: csrBase64, callerInfo: "Certdoor" } } });
    const issued = new X509Certificate(certificate.certificate);
    expect(success?.path).toBe("successNotification");
    expect(success?.body.notification).toEqual({
      transactionId: "tx-issue-1",
      certificateRequest: csrBase64,
      callerInfo: "Certdoor",
      certificateThumbprint: createHash("sha1").update(issued.raw).digest("hex").toUpperCase(),
      certificateSerialNumber: certificate.serialNumber,
      certificateExpirationDateUtc: certificate.notAfter.toISOString(),
      issuingCertificateAuthority: issued.issuer.split("\n").join(", "),
      caConfiguration: `certdoor/${frontdoorId}`,
      certificateAuthority: "Certdoor",
    });
  });

  it("that Intune refuses gets nothing, is audited as a SCEP refusal, and costs Intune no notification", async () => {
    const before = await getDb().clientCertificate.count({ where: { frontdoorId } });
    const csrDer = deviceCsr("not-from-intune", "laptop-8.corp.example.com", "laptop-8.corp.example.com");
    await expect(enroll("tx-refused", csrDer)).rejects.toMatchObject({ code: "token_not_found", message: expect.stringContaining("ChallengeDecryptionError") });
    expect(await getDb().clientCertificate.count({ where: { frontdoorId } })).toBe(before);
    // Only validated challenges are recorded: refused ones (anyone can send them) add no rows.
    expect(await getDb().intuneScepTransaction.count({ where: { frontdoorId, transactionId: "tx-refused" } })).toBe(0);
    // Intune answered the validation itself: telling it of its own refusal would double what garbage costs.
    expect(callsFor("tx-refused").map((c) => c.path)).toEqual(["validateRequest"]);
    const audited = await getDb().auditEvent.findFirstOrThrow({ where: { frontdoorId, action: "token.redeem_failed" }, orderBy: { id: "desc" } });
    expect(audited.details).toMatchObject({ code: "intune_refused", channel: "scep" });
  });

  it("for names outside the Frontdoor's policy is refused after validation, and Intune is told why", async () => {
    const csrDer = deviceCsr(standIn.issueChallenge(), "laptop-9.elsewhere.example.net", "laptop-9.elsewhere.example.net");
    await expect(enroll("tx-policy", csrDer)).rejects.toMatchObject({ code: "name_not_allowed" });
    expect(await getDb().intuneScepTransaction.findFirstOrThrow({ where: { frontdoorId, transactionId: "tx-policy" } })).toMatchObject({ certificateId: null });
    expect(callsFor("tx-policy").map((c) => c.path)).toEqual(["validateRequest", "failureNotification"]);
    expect(callsFor("tx-policy")[1]?.body.notification).toMatchObject({ hResult: 0x80094001, errorDescription: expect.stringMatching(/^name_not_allowed: /) });
  });

  it("is issued for once per challenge: the same CSR again under a new transactionId is refused without asking Intune", async () => {
    const csrDer = deviceCsr(standIn.issueChallenge(), "laptop-10.corp.example.com", "laptop-10.corp.example.com");
    const first = await enroll("tx-once-a", csrDer);
    const callsBefore = standIn.calls.length;
    for (const transactionId of ["tx-once-b", "tx-once-c"]) await expect(enroll(transactionId, csrDer)).rejects.toMatchObject({ code: "token_already_used" });
    expect(standIn.calls.length).toBe(callsBefore);
    expect(await getDb().clientCertificate.count({ where: { frontdoorId, commonName: "laptop-10.corp.example.com" } })).toBe(1);
    expect(await getDb().intuneScepTransaction.findFirstOrThrow({ where: { certificateId: first.id } })).toMatchObject({ transactionId: "tx-once-a", challengeHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it("is issued for once per challenge: the challenge in a CSR of a new key is refused too", async () => {
    const challenge = standIn.issueChallenge();
    await enroll("tx-rekey-1", deviceCsr(challenge, "laptop-12.corp.example.com", "laptop-12.corp.example.com"));
    await expect(enroll("tx-rekey-2", deviceCsr(challenge, "laptop-13.corp.example.com", "laptop-13.corp.example.com"))).rejects.toMatchObject({ code: "token_already_used" });
    expect(await getDb().clientCertificate.count({ where: { frontdoorId, commonName: "laptop-13.corp.example.com" } })).toBe(0);
  });

  it("on two requests at once with one challenge issues one certificate", async () => {
    const challenge = standIn.issueChallenge();
    const csrs = [1, 2].map((n) => deviceCsr(challenge, `race-${n}.corp.example.com`, `race-${n}.corp.example.com`));
    // Both are inside Intune's validation at once, past the transaction's record: the claim decides.
    standIn.setValidationDelay(300);
    const results = await Promise.allSettled(csrs.map((csrDer, i) => enroll(`tx-race-${i}`, csrDer))).finally(() => standIn.setValidationDelay(0));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "token_already_used" } });
  });

  it("on a Frontdoor without Intune settings is an unknown challenge", async () => {
    const other = await makeFrontdoor();
    expect(await intuneFor(other.id)).toBeNull();
    await expect(enroll("tx-none", deviceCsr(standIn.issueChallenge(), "x.corp.example.com", "x.corp.example.com"), other.id)).rejects.toMatchObject({ code: "token_not_found" });
    expect(callsFor("tx-none")).toEqual([]);
  });
});

describe("the Intune client", () => {
  it("says clearly when Entra ID refuses the Frontdoor's credentials", async () => {
    const wrong = await makeFrontdoor();
    await updateFrontdoor(system, wrong.id, { scep: { intune: { ...credentials, clientSecret: "not-the-secret" } } });
    const refusal = enroll("tx-bad-credentials", deviceCsr(standIn.issueChallenge(), "y.corp.example.com", "y.corp.example.com"), wrong.id);
    await expect(refusal).rejects.toMatchObject({ code: "unavailable", message: expect.stringMatching(/refused the Intune app's sign-in \(tenant contoso\.onmicrosoft\.com, client 6f1c1b2e-.*invalid_client: AADSTS7000215/) });
    expect(await getDb().clientCertificate.count({ where: { frontdoorId: wrong.id } })).toBe(0);
  });

  it("signs in once per resource and reuses the tokens until shortly before they expire", async () => {
    const shortLived = await startIntuneStandIn({ ...credentials, tokenLifetimeSeconds: 2 });
    try {
      Object.assign(env, { INTUNE_LOGIN_URL: shortLived.url, INTUNE_GRAPH_URL: shortLived.url });
      const intune = (await intuneFor(frontdoorId))!;
      const request = (challenge: string) => ({ transactionId: "tx-cache", csrDer: deviceCsr(challenge, "c.corp.example.com", "c.corp.example.com") });
      await intune.validate(request(shortLived.issueChallenge()));
      await intune.validate(request(shortLived.issueChallenge()));
      expect(shortLived.tokenRequests.map((t) => t.scope).sort()).toEqual([`${shortLived.url}/.default`, STAND_IN_INTUNE_SCOPE].sort());
      // A 2-second token is fetched again after half its life (it never serves its last moments).
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await intune.validate(request(shortLived.issueChallenge()));
      expect(shortLived.tokenRequests.filter((t) => t.scope === STAND_IN_INTUNE_SCOPE)).toHaveLength(2);
    } finally {
      Object.assign(env, { INTUNE_LOGIN_URL: standIn.url, INTUNE_GRAPH_URL: standIn.url });
      await shortLived.close();
    }
  });
});
