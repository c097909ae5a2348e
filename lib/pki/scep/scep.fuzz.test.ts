import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hostileDer } from "@/lib/testing/fuzz/der-mutations";
import { FUZZ_SEED, TEST_RUNS } from "@/lib/testing/fuzz/settings";
import { challengePasswordOf } from "@/lib/pki/scep/attributes";
import { openRequest, readPkiMessage } from "@/lib/pki/scep/pki-message";
import { NotScepMessage, ScepRefusal } from "@/lib/pki/scep/refusal";
import { envelopeWithBerIv, scepRequester } from "@/lib/testing/scep-request";

// The SCEP readers under hostile input, seeded with a real scepclient PKCSReq (testdata/):
// whatever the bytes, the reader answers "not a SCEP message" (the door's 400), a refusal
// with a failInfo (a signed FAILURE), or a checked request; it never throws anything else,
// which the door would turn into a 500. (The HTTP side, and that nothing is ever issued, is
// app/scep/[frontdoorId]/scep.fuzz.int.test.ts.)

const testdata = (name: string) => readFileSync(path.join(import.meta.dirname, "testdata", name));
const ra = { certificate: AsnConvert.parse(new X509Certificate(testdata("ra.pem")).raw, Certificate), privateKey: createPrivateKey(testdata("ra.key")) };
const raDer = new Uint8Array(new X509Certificate(testdata("ra.pem")).raw);
const seed = new Uint8Array(testdata("pkcsreq-des.der"));

describe(`SCEP readers under hostile input (fast-check seed ${FUZZ_SEED})`, () => {
  it("a mutated real PKCSReq is read, refused or not a SCEP message; never an exception", { timeout: 120_000 }, () => {
    const outcomes = new Map<string, number>();
    const note = (outcome: string) => void outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    fc.assert(
      fc.property(hostileDer([seed]), (der) => {
        let message: ReturnType<typeof readPkiMessage>;
        try {
          message = readPkiMessage(der);
        } catch (error) {
          if (!(error instanceof NotScepMessage)) throw error;
          return note("not scep");
        }
        if (message.checked instanceof ScepRefusal) return note(message.checked.failInfo);
        try {
          challengePasswordOf(openRequest(message.checked.envelope, ra).csrDer);
          note("opened");
        } catch (error) {
          if (!(error instanceof ScepRefusal)) throw error;
          note(error.failInfo);
        }
      }),
      { numRuns: TEST_RUNS, seed: FUZZ_SEED },
    );
    // The mutations reach every stage: the parser, the signature check and the envelope.
    expect(outcomes.get("not scep")).toBeGreaterThan(0);
    expect(outcomes.get("badMessageCheck")).toBeGreaterThan(0);
  });

  // A mutation of the signed request almost never passes the signature check, so the reader
  // behind it (what a client holding any key reaches, since PKCSReq is self-signed) is
  // fuzzed on its own: the real request's envelope, mutated, opened with the RA's key.
  it("a mutated real envelope opens or is refused; never an exception", { timeout: 120_000 }, () => {
    const message = readPkiMessage(seed);
    if (message.checked instanceof ScepRefusal) throw message.checked;
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(hostileDer([message.checked.envelope]), (der) => {
        try {
          openRequest(der, ra);
          outcomes.add("opened");
        } catch (error) {
          if (!(error instanceof ScepRefusal)) throw error;
          outcomes.add(error.failInfo);
        }
      }),
      { numRuns: TEST_RUNS * 4, seed: FUZZ_SEED },
    );
    expect(outcomes).toContain("badMessageCheck");
  });

  it.each(["long", "indefinite"] as const)("an envelope whose IV is %s-form BER is refused badMessageCheck", (form) => {
    const requester = scepRequester("challenge", "ber.example.com");
    const envelope = envelopeWithBerIv(requester.csrDer, { certificateDer: raDer, certificate: ra.certificate }, form);
    expect(() => openRequest(envelope, ra)).toThrow(expect.objectContaining({ name: "ScepRefusal", failInfo: "badMessageCheck" }));
  });
});
