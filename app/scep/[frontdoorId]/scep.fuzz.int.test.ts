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
import { readPkiMessage } from "@/lib/pki/scep/pki-message";
import { ScepRefusal } from "@/lib/pki/scep/refusal";
import { certRepStatus } from "@/lib/testing/scep-cert-rep";
import { rsaSigner, signedPkiMessage } from "@/lib/testing/scep-request";
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

  // Mutations of a signed request die at the signature check; re-signed (PKCSReq is
  // self-signed, so anyone can sign anything) they reach the envelope and what follows it.
  it("never a 5xx, never a certificate, for mutated envelopes in correctly signed requests", { timeout: 300_000 }, async () => {
    const message = readPkiMessage(seeds[0]!);
    if (message.checked instanceof ScepRefusal) throw message.checked;
    const signer = rsaSigner();
    const before = await count();
    const failInfos = new Set<string>();
    await fc.assert(
      fc.asyncProperty(hostileDer([message.checked.envelope]), async (envelope) => {
        const body = signedPkiMessage(signer, envelope, "fuzz-envelope");
        const request = new Request(`http://localhost/scep/${frontdoorId}?operation=PKIOperation`, { method: "POST", body: new Uint8Array(body), headers: fromAddress("198.51.100.10") });
        const response = await scep.POST(request, { params: Promise.resolve({ frontdoorId }) });
        expect(response.status).toBe(200);
        failInfos.add(certRepStatus(new Uint8Array(await response.arrayBuffer())));
      }),
      { numRuns: Math.min(TEST_RUNS, 200), seed: FUZZ_SEED },
    );
    expect(await count()).toBe(before);
    expect(failInfos).toContain("FAILURE badMessageCheck");
  });
});
