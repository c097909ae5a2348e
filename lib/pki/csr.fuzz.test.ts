import { describe, expect, it } from "vitest";
import { checkCsr } from "@/lib/pki/csr";
import { issueClientCertificate } from "@/lib/pki/issue";
import { toPem } from "@/lib/pki/pem";
import { csrProperties, requestWithBerKeyParameters } from "@/lib/testing/fuzz/csr-properties";
import { parserSeeds } from "@/lib/testing/fuzz/parser-seeds";
import { FUZZ_SEED, TEST_RUNS } from "@/lib/testing/fuzz/settings";

// Hostile requests at a small size (bench/fuzz-parsers.ts runs the same properties at
// 100,000 runs each). The seeds are real requests from openssl and from WebCrypto.

const seeds = await parserSeeds();

describe(`CSR check under hostile input (fast-check seed ${FUZZ_SEED})`, () => {
  it("the seeds themselves are accepted, so mutations start from valid requests", () => {
    for (const seed of seeds.csrs) expect(checkCsr(toPem(seed.der, "CERTIFICATE REQUEST")).subject).toEqual(seed.expected.subject);
  });

  for (const { name, tally, check } of csrProperties(seeds)) {
    // A generous bound so a loaded machine passes; a hang still fails (speed is measured in bench/).
    it(name, { timeout: 120_000 }, async () => {
      await check({ numRuns: TEST_RUNS, seed: FUZZ_SEED });
      // The generators must reach the refusals and the acceptance path, or the property says little.
      expect(tally.counts.size).toBeGreaterThan(1);
    });
  }

  // Found by the third property (bench, run 1,513): OpenSSL reads an RSA key whose
  // algorithm parameters are BER (NULL inside an indefinite-length SEQUENCE), and checkCsr
  // handed those bytes on, so issuing (whose DER reader refuses indefinite lengths) threw a
  // RangeError: a 500 for a well-signed request. The key now goes on as OpenSSL's DER.
  it("a properly signed RSA request with BER key parameters yields the key's DER and a certificate", async () => {
    const seed = seeds.csrs.find((s) => s.expected.isRsa)!;
    const checked = checkCsr(toPem(requestWithBerKeyParameters(seed), "CERTIFICATE REQUEST"));
    expect(Buffer.from(checked.spkiDer).equals(Buffer.from(seed.expected.spkiDer))).toBe(true);
    const subject = { commonName: "ber-key", organization: null, organizationalUnit: null };
    await expect(issueClientCertificate({ issuer: seeds.issuer, spkiDer: checked.spkiDer, isRsa: checked.isRsa, subject, validDays: 1 })).resolves.toBeDefined();
  });
});
