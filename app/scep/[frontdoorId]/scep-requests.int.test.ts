import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { currentRa } from "@/lib/domain/scep/ra";
import { createToken } from "@/lib/domain/tokens";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { fromAddress } from "@/lib/testing/http";
import { certRepStatus } from "@/lib/testing/scep-cert-rep";
import { envelopeWithBerIv, pkcsReq, rsaSigner, scepRequester, signedPkiMessage } from "@/lib/testing/scep-request";
import * as scep from "./route";

// Requests no SCEP client sends, built by hand and correctly signed, so that they reach what
// lies behind the signature check: each is a signed FAILURE with the right failInfo, audited
// as a SCEP refusal, and nothing is issued.

let frontdoorId: string;
const count = () => getDb().clientCertificate.count({ where: { frontdoorId } });
const post = (body: Uint8Array) =>
  scep.POST(new Request(`http://localhost/scep/${frontdoorId}?operation=PKIOperation`, { method: "POST", body: new Uint8Array(body), headers: { "content-type": "application/x-pki-message", ...fromAddress("198.51.100.77") } }), {
    params: Promise.resolve({ frontdoorId }),
  });
const lastRefusal = () => getDb().auditEvent.findFirstOrThrow({ where: { frontdoorId, action: "token.redeem_failed" }, orderBy: { id: "desc" }, select: { details: true } });

beforeAll(async () => {
  frontdoorId = (await makeFrontdoor()).id;
});

describe("PKIOperation with a hand-built request", () => {
  it.each(["long", "indefinite"] as const)("an envelope whose IV is %s-form BER is a signed FAILURE badMessageCheck, not a 500", async (form) => {
    const ra = await currentRa(frontdoorId);
    const token = await createToken(system, frontdoorId, { name: "ber", commonName: "ber.corp.example.com", validDays: 1 });
    const requester = scepRequester(token.token, "ber.corp.example.com");
    const before = await count();
    const response = await post(signedPkiMessage(requester.signer, envelopeWithBerIv(requester.csrDer, ra, form), `tx-ber-${form}`));
    expect([response.status, response.headers.get("content-type")]).toEqual([200, "application/x-pki-message"]);
    expect(certRepStatus(new Uint8Array(await response.arrayBuffer()))).toBe("FAILURE badMessageCheck");
    expect(await count()).toBe(before);
    expect((await lastRefusal()).details).toMatchObject({ code: "scep_bad_message_check", channel: "scep" });
  });

  it("a PKCSReq signed by a key other than the CSR's is a signed FAILURE badMessageCheck, and its token stays unused", async () => {
    const ra = await currentRa(frontdoorId);
    const token = await createToken(system, frontdoorId, { name: "other-key", commonName: "other-key.corp.example.com", validDays: 1 });
    const requester = { ...scepRequester(token.token, "other-key.corp.example.com"), signer: rsaSigner() };
    const before = await count();
    const response = await post(pkcsReq(requester, ra, "tx-other-key"));
    expect(certRepStatus(new Uint8Array(await response.arrayBuffer()))).toBe("FAILURE badMessageCheck");
    expect(await count()).toBe(before);
    expect(await getDb().certificateRequestToken.findUniqueOrThrow({ where: { id: token.id }, select: { redeemedAt: true } })).toEqual({ redeemedAt: null });
    // Signed with the CSR's own key, the same request is issued.
    const own = await post(pkcsReq(scepRequester(token.token, "other-key.corp.example.com"), ra, "tx-own-key"));
    expect(certRepStatus(new Uint8Array(await own.arrayBuffer()))).toBe("SUCCESS");
  });
});
