import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { CertID, id_pkix_ocsp_nonce, OCSPRequest, Request as OcspRequestEntry, TBSRequest } from "@peculiar/asn1-ocsp";
import { AlgorithmIdentifier, Extension } from "@peculiar/asn1-x509";
import { beforeAll, describe, expect, it } from "vitest";
import { makeFrontdoor } from "@/lib/testing/fixtures";
import { fromAddress } from "@/lib/testing/http";
import * as getForm from "./[...request]/route";
import * as postForm from "./route";

// The responder's limit per address (lib/http/rate-limit.ts ocspLimiter: 600 a minute),
// counted in signatures: a request with a nonce is signed afresh every time and counts; the
// same request without a nonce is answered from the cache after its first signature and
// costs nothing more, so a gateway re-checking its clients is never held back.

const LIMIT = 600;
let frontdoorId: string;
beforeAll(async () => {
  frontdoorId = (await makeFrontdoor()).id;
});

/** A well-formed OCSP request about a random serial; with a fresh 16-octet nonce unless `withNonce` is false. */
function ocspRequest(withNonce: boolean): Uint8Array {
  const certId = new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: "1.3.14.3.2.26", parameters: null }),
    issuerNameHash: new OctetString(randomBytes(20)),
    issuerKeyHash: new OctetString(randomBytes(20)),
    serialNumber: new Uint8Array([0x01, ...randomBytes(8)]).buffer,
  });
  const nonce = new Extension({ extnID: id_pkix_ocsp_nonce, critical: false, extnValue: new OctetString(AsnConvert.serialize(new OctetString(randomBytes(16)))) });
  return new Uint8Array(AsnConvert.serialize(new OCSPRequest({ tbsRequest: new TBSRequest({ requestList: [new OcspRequestEntry({ reqCert: certId })], requestExtensions: withNonce ? [nonce] : undefined }) })));
}

const post = (ip: string, body: Uint8Array) =>
  postForm.POST(new Request("http://localhost/", { method: "POST", headers: { "Content-Type": "application/ocsp-request", ...fromAddress(ip) }, body: Buffer.from(body) }), { params: Promise.resolve({ frontdoorId }) });

describe("OCSP limit per address", () => {
  it("a burst of signed answers over the limit from one /64: at most the limit signed, the rest 429 tryLater with Retry-After; another address is not affected", async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let batch = 0; batch < 13; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => post(`2001:db8:77:1::${(batch * 50 + i + 1).toString(16)}`, ocspRequest(true))));
      for (const res of answers) {
        statuses.push(res.status);
        if (res.status === 429) refused = res;
      }
    }
    expect(statuses.filter((s) => s === 200).length).toBe(LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBe(650 - LIMIT);
    expect(refused!.headers.get("content-type")).toBe("application/ocsp-response");
    expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThan(0);
    // OCSPResponse { responseStatus tryLater (3) }, unsigned.
    expect(Buffer.from(await refused!.arrayBuffer()).toString("hex")).toBe("30030a0103");
    const fresh = Buffer.from(ocspRequest(false)).toString("base64");
    const get = await getForm.GET(new Request("http://localhost/", { headers: fromAddress("2001:db8:77:1::ffff") }), { params: Promise.resolve({ frontdoorId, request: [fresh] }) });
    expect(get.status).toBe(429);
    expect((await post("2001:db8:77:2::1", ocspRequest(true))).status).toBe(200);
  });

  it("answers from the cache cost no point: the same nonce-less request 650 times from one address is answered every time", async () => {
    const request = ocspRequest(false);
    const statuses: number[] = [];
    for (let batch = 0; batch < 13; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => post("2001:db8:78:1::1", request)));
      statuses.push(...answers.map((res) => res.status));
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(650);
  });
});
