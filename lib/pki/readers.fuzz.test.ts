import { describe, expect, it } from "vitest";
import { readOcspRequest } from "@/lib/pki/ocsp";
import { parserSeeds } from "@/lib/testing/fuzz/parser-seeds";
import { readerProperties } from "@/lib/testing/fuzz/reader-properties";
import { FUZZ_SEED, TEST_RUNS } from "@/lib/testing/fuzz/settings";

// PEM, OCSP request and DER readers under hostile input, at a small size (bench/fuzz-parsers.ts
// runs the same properties at 100,000 runs each).

const seeds = await parserSeeds();

describe(`readers under hostile input (fast-check seed ${FUZZ_SEED})`, () => {
  it("the OCSP seeds are read as questions about this issuer", () => {
    for (const request of seeds.ocspRequests) expect(readOcspRequest(request, [seeds.issuer])?.questions.every((q) => q.issuer === seeds.issuer)).toBe(true);
  });

  // Found by the OCSP property (bench, run 33,146): hash parameters that parse but cannot be
  // written again (an empty UTCTime instead of NULL) made answering throw: a 500 on the
  // public responder. Such a request is now malformed.
  it("a CertID that cannot be echoed makes the request malformed, not an exception", () => {
    const request = Buffer.from(seeds.ocspRequests[1]!);
    const sha1WithNull = Buffer.from([0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00]);
    request[request.lastIndexOf(sha1WithNull) + 7] = 0x17;
    expect(readOcspRequest(request, [seeds.issuer])).toBeNull();
  });

  for (const { name, tally, check } of readerProperties(seeds)) {
    // A generous bound so a loaded machine passes; a hang still fails (speed is measured in bench/).
    it(name, { timeout: 120_000 }, async () => {
      await check({ numRuns: TEST_RUNS, seed: FUZZ_SEED });
      expect(tally.counts.size).toBeGreaterThan(0);
    });
  }
});
