import { beforeAll, describe, expect, it } from "vitest";
import { makeFrontdoor } from "@/lib/testing/fixtures";
import { fromAddress } from "@/lib/testing/http";
import * as getForm from "./[...request]/route";
import * as postForm from "./route";

// The responder's limit per address (lib/http/rate-limit.ts ocspLimiter: 600 a minute).
// Requests that cannot be read are still answered (malformedRequest) and still counted.

const LIMIT = 600;
let frontdoorId: string;
beforeAll(async () => {
  frontdoorId = (await makeFrontdoor()).id;
});

const post = (ip: string) =>
  postForm.POST(new Request("http://localhost/", { method: "POST", headers: { "Content-Type": "application/ocsp-request", ...fromAddress(ip) }, body: new Uint8Array([0x30, 0x00]) }), { params: Promise.resolve({ frontdoorId }) });

describe("OCSP limit per address", () => {
  it("a burst over the limit from one /64: at most the limit answered, the rest 429 tryLater with Retry-After; another address is not affected", async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let batch = 0; batch < 13; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => post(`2001:db8:77:1::${(batch * 50 + i + 1).toString(16)}`)));
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
    const get = await getForm.GET(new Request("http://localhost/", { headers: fromAddress("2001:db8:77:1::ffff") }), { params: Promise.resolve({ frontdoorId, request: ["MAA="] }) });
    expect(get.status).toBe(429);
    expect((await post("2001:db8:77:2::1")).status).toBe(200);
  });
});
