import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { updateFrontdoor } from "@/lib/domain/frontdoors";
import { enrollWithIntune } from "@/lib/domain/scep/intune/enroll";
import { env } from "@/lib/env";
import { INTUNE_CALLS_PER_MINUTE, intuneCallLimiter } from "@/lib/http/rate-limit";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { INTUNE_TEST_CREDENTIALS as credentials, startIntuneStandIn } from "@/lib/testing/intune-stand-in";
import { scepRequester } from "@/lib/testing/scep-request";

// The guards around Intune enrolment: a Frontdoor under the two-person rule refuses (an
// Intune challenge is not a token anyone could approve), also when approvals are turned on
// while a request is being validated; a challenge is used once across every Frontdoor; and
// calls to Intune are limited per Frontdoor. The stand-in, like Microsoft's service, validates
// a challenge every time it is asked, so each refusal here is Certdoor's.

let standIn: Awaited<ReturnType<typeof startIntuneStandIn>>;

const csrOf = (challenge: string, commonName: string) => scepRequester(challenge, commonName).csrDer;
const enroll = (frontdoorId: string, transactionId: string, csrDer: Uint8Array) => enrollWithIntune({ frontdoorId, transactionId, csrDer, context: { ip: "192.0.2.7", userAgent: "scep-test" } });
const intuneFrontdoor = async (settings: Parameters<typeof updateFrontdoor>[2] = {}) => {
  const { id } = await makeFrontdoor();
  await updateFrontdoor(system, id, { ...settings, scep: { intune: credentials } });
  return id;
};
const certificates = (frontdoorId: string) => getDb().clientCertificate.count({ where: { frontdoorId } });
const lastRefusal = (frontdoorId: string) => getDb().auditEvent.findFirstOrThrow({ where: { frontdoorId, action: "token.redeem_failed" }, orderBy: { id: "desc" }, select: { details: true } });

beforeAll(async () => {
  standIn = await startIntuneStandIn(credentials);
  Object.assign(env, { INTUNE_LOGIN_URL: standIn.url, INTUNE_GRAPH_URL: standIn.url });
});
afterAll(() => standIn.close());

describe("Intune enrolment on a Frontdoor that requires approvals", () => {
  it("is refused (token_pending_approval, audited as SCEP), Intune is told why, and nothing is issued", async () => {
    const frontdoorId = await intuneFrontdoor({ approvals: { required: 2 } });
    await expect(enroll(frontdoorId, "tx-approvals", csrOf(standIn.issueChallenge(), "device-1"))).rejects.toMatchObject({ code: "token_pending_approval", message: expect.stringContaining("dynamic challenges") });
    expect(await certificates(frontdoorId)).toBe(0);
    expect((await lastRefusal(frontdoorId)).details).toMatchObject({ code: "token_pending_approval", channel: "scep" });
    expect(standIn.callsFor("tx-approvals")).toMatchObject([{ path: "failureNotification", body: { notification: { errorDescription: expect.stringMatching(/^token_pending_approval: /) } } }]);
  });

  it("turned on while the request is with Intune: the claim refuses it", async () => {
    const frontdoorId = await intuneFrontdoor();
    standIn.setValidationDelay(400);
    const pending = enroll(frontdoorId, "tx-patched", csrOf(standIn.issueChallenge(), "device-2")).finally(() => standIn.setValidationDelay(0));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await updateFrontdoor(system, frontdoorId, { approvals: { required: 1 } });
    await expect(pending).rejects.toMatchObject({ code: "token_pending_approval" });
    expect(await certificates(frontdoorId)).toBe(0);
  });
});

describe("an Intune challenge", () => {
  it("issued on one Frontdoor is refused on another with the same tenant, without asking Intune", async () => {
    const [first, second] = [await intuneFrontdoor(), await intuneFrontdoor()];
    const csrDer = csrOf(standIn.issueChallenge(), "device-3");
    await enroll(first, "tx-cross", csrDer);
    const calls = standIn.calls.length;
    await expect(enroll(second, "tx-cross", csrDer)).rejects.toMatchObject({ code: "token_already_used" });
    expect(standIn.calls.length).toBe(calls);
    expect(await certificates(second)).toBe(0);
  });

  it("validated for one Frontdoor (and refused there) is not issued by another", async () => {
    const strict = await intuneFrontdoor({ namePolicy: { allow: { commonName: ["*.corp.example.com"] } } });
    const other = await intuneFrontdoor();
    const csrDer = csrOf(standIn.issueChallenge(), "device-4.elsewhere.example.net");
    await expect(enroll(strict, "tx-first", csrDer)).rejects.toMatchObject({ code: "name_not_allowed" });
    await expect(enroll(other, "tx-second", csrDer)).rejects.toMatchObject({ code: "token_already_used" });
    expect(await certificates(other)).toBe(0);
  });
});

describe("calls to Intune", () => {
  it(`are limited per Frontdoor (${INTUNE_CALLS_PER_MINUTE} a minute): past it, a request is refused without calling Intune`, { timeout: 60_000 }, async () => {
    const frontdoorId = await intuneFrontdoor();
    for (let i = 0; i < INTUNE_CALLS_PER_MINUTE; i++) expect(await intuneCallLimiter.take(frontdoorId)).toBe(0);
    const calls = standIn.calls.length;
    await expect(enroll(frontdoorId, "tx-limited", csrOf(standIn.issueChallenge(), "device-5"))).rejects.toMatchObject({ code: "rate_limited" });
    expect(standIn.calls.length).toBe(calls);
    expect((await lastRefusal(frontdoorId)).details).toMatchObject({ code: "rate_limited", channel: "scep" });
    // Another Frontdoor's budget is its own.
    await expect(enroll(await intuneFrontdoor(), "tx-not-limited", csrOf(standIn.issueChallenge(), "device-6"))).resolves.toMatchObject({ commonName: "device-6" });
  });
});
