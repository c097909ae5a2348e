import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { currentRa } from "@/lib/domain/scep/ra";
import { createToken } from "@/lib/domain/tokens";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { hostileDer } from "@/lib/testing/fuzz/der-mutations";
import { FUZZ_SEED, TEST_RUNS } from "@/lib/testing/fuzz/settings";
import { fromAddress } from "@/lib/testing/http";
import { runScepClient, type ScepServer, serveScep } from "@/lib/testing/scep-client";
import * as scep from "./route";

// Mutated real requests at the SCEP door: what scepclient sent to enroll (its token now used)
// and to renew (its certificate now renewed), broken in every way der-mutations knows, posted
// to the route handler. The answer is never a 5xx, always SCEP's media (a CertRep, or 400
// text), and nothing is ever issued: no certificate row is added.

let server: ScepServer;
let frontdoorId: string;
let seeds: Uint8Array[];
const count = () => getDb().clientCertificate.count({ where: { frontdoorId } });

beforeAll(async () => {
  frontdoorId = (await makeFrontdoor()).id;
  server = await serveScep();
  const raDer = (await currentRa(frontdoorId)).certificateDer;
  const token = await createToken(system, frontdoorId, { name: "fuzz", commonName: "fuzz.corp.example.com", validDays: 1 });
  const enrolled = await runScepClient(`${server.origin}/scep/${frontdoorId}`, raDer, { challenge: token.token });
  const renewed = await runScepClient(`${server.origin}/scep/${frontdoorId}`, raDer, { dir: enrolled.dir });
  expect([enrolled.isOk, renewed.isOk]).toEqual([true, true]);
  seeds = server.received.map((body) => new Uint8Array(body));
  expect(seeds).toHaveLength(2);
}, 60_000);
afterAll(() => server.close());

describe(`the SCEP door under mutated scepclient requests (fast-check seed ${FUZZ_SEED})`, () => {
  it("never a 5xx, never a certificate", { timeout: 300_000 }, async () => {
    const before = await count();
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(hostileDer(seeds), fc.boolean(), async (body, isGet) => {
        const url = `http://localhost/scep/${frontdoorId}?operation=PKIOperation${isGet ? `&message=${encodeURIComponent(Buffer.from(body).toString("base64"))}` : ""}`;
        const request = new Request(url, isGet ? { headers: fromAddress("198.51.100.9") } : { method: "POST", body: new Uint8Array(body), headers: { "content-type": "application/octet-stream", ...fromAddress("198.51.100.9") } });
        const response = await (isGet ? scep.GET : scep.POST)(request, { params: Promise.resolve({ frontdoorId }) });
        statuses.add(response.status);
        expect(response.status).toBeLessThan(500);
        expect(response.headers.get("content-type")).toBe(response.status === 200 ? "application/x-pki-message" : "text/plain; charset=utf-8");
      }),
      { numRuns: Math.min(TEST_RUNS, 200), seed: FUZZ_SEED },
    );
    expect(await count()).toBe(before);
    expect([...statuses].sort()).toEqual([200, 400]);
  });
});
