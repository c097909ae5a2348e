import "reflect-metadata";
import { deepEqual, ok } from "node:assert/strict";
import { AsnConvert } from "@peculiar/asn1-schema";
import { OCSPResponse } from "@peculiar/asn1-ocsp";
import * as asn1js from "asn1js";
import fc from "fast-check";
import { CLIENT_BER_OPTIONS, hasLongBoolean } from "@/lib/pki/asn1-parse";
import { readTlv } from "@/lib/pki/der";
import { buildOcspResponse, readOcspRequest } from "@/lib/pki/ocsp";
import { fromPem, splitPemChain } from "@/lib/pki/pem";
import { berTrees, hostileDer, randomDer } from "@/lib/testing/fuzz/der-mutations";
import type { ParserSeeds } from "@/lib/testing/fuzz/parser-seeds";
import { decoratedPem, garbage, hostilePem, notPem } from "@/lib/testing/fuzz/pem-mutations";
import { type NamedProperty, Tally } from "@/lib/testing/fuzz/tally";

// The other readers of client input: PEM (every door that takes a CSR or a certificate, and
// the chains the redemption page turns into PKCS#12), the OCSP request reader (which must
// answer null for garbage so the responder can say malformedRequest, never throw), and the
// DER primitive the issuing path reads SubjectPublicKeyInfo with.

const bytes = (b: Uint8Array) => Buffer.from(b).toString("hex");

/**
 * The oracle for the guard in lib/pki/asn1-parse.ts: did asn1js itself (what @peculiar parses
 * with, given the options client input is parsed with; imported directly because it is the
 * library being guarded) decode a BOOLEAN longer than one octet, even in a tree it then refused?
 */
export function asn1jsDecodedLongBoolean(ber: Uint8Array): boolean {
  return asn1jsRead(ber).decodedLongBoolean;
}

/** What asn1js makes of the BER: whether it read it without an error, and whether it decoded a long BOOLEAN on the way. */
function asn1jsRead(ber: Uint8Array): { accepted: boolean; decodedLongBoolean: boolean } {
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(ber, CLIENT_BER_OPTIONS);
  } catch {
    // asn1js throws on some input instead of answering an error (a UniversalString whose length
    // is not a multiple of 4): then the parse fails as a whole and nothing it decoded is used.
    return { accepted: false, decodedLongBoolean: false };
  }
  const accepted = parsed.offset !== -1 && !parsed.result.error;
  return { accepted, decodedLongBoolean: hasDecodedLongBoolean(parsed.result) };
}

function hasDecodedLongBoolean(root: asn1js.AsnType): boolean {
  const stack: asn1js.AsnType[] = [root];
  while (stack.length > 0) {
    const block = stack.pop();
    if (block instanceof asn1js.Boolean && block.valueBlock.valueHexView.length !== 1) return true;
    const children = (block?.valueBlock as { value?: unknown } | undefined)?.value;
    if (Array.isArray(children)) stack.push(...(children as asn1js.AsnType[]));
  }
  return false;
}

/** A BOOLEAN of a few octets somewhere in a real input: small enough for asn1js to decode quickly. */
const withShortLongBoolean = (seeds: Uint8Array[]) =>
  fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.integer({ min: 0, max: 40 })).map(([seed, at, length]) => {
    const i = at % seed.length;
    return new Uint8Array(Buffer.concat([seed.subarray(0, i), Buffer.from([0x01, length]), Buffer.alloc(length, 0xff), seed.subarray(i)]));
  });

export function readerProperties(seeds: ParserSeeds): NamedProperty[] {
  const allDer = [...seeds.csrs.map((s) => s.der), seeds.leafDer, ...seeds.ocspRequests];
  const pemAny = new Tally();
  const pemRoundTrip = new Tally();
  const ocsp = new Tally();
  const der = new Tally();
  const guard = new Tally();
  return [
    {
      name: "fromPem and splitPemChain, any text: null, bytes or blocks; never a throw",
      tally: pemAny,
      check: (options) =>
        fc.assert(
          fc.property(fc.oneof(notPem, hostilePem([seeds.leafDer], "CERTIFICATE"), hostilePem(allDer, "CERTIFICATE REQUEST")), (text) => {
            pemAny.time(() => {
              const der = fromPem(text, ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST", "CERTIFICATE"]);
              ok(der === null || der instanceof Uint8Array);
              for (const block of splitPemChain(text)) ok(block.startsWith("-----BEGIN CERTIFICATE-----"));
              return der === null ? "null" : "bytes";
            }, text);
          }),
          options,
        ),
    },
    {
      name: "fromPem and splitPemChain, blocks in any formatting with garbage around and between: exactly the DER of each, in order",
      tally: pemRoundTrip,
      check: (options) =>
        fc.assert(
          fc.property(
            fc.array(
              fc.oneof(fc.constant(seeds.leafDer), fc.uint8Array({ minLength: 1, maxLength: 3000 })).chain((der) => decoratedPem(der, "CERTIFICATE").map((pem) => ({ der, pem }))),
              { minLength: 1, maxLength: 4 },
            ),
            garbage,
            (blocks, between) => {
              pemRoundTrip.time(() => {
                const text = blocks.map((b) => b.pem).join(between);
                deepEqual(bytes(fromPem(text, ["CERTIFICATE"]) ?? new Uint8Array()), bytes(blocks[0]!.der));
                deepEqual(
                  splitPemChain(text).map((block) => bytes(fromPem(block, ["CERTIFICATE"]) ?? new Uint8Array())),
                  blocks.map((b) => bytes(b.der)),
                );
                return "found";
              }, blocks);
            },
          ),
          options,
        ),
    },
    {
      name: "readOcspRequest, mutated requests: null or questions, never a throw; answering what it read never throws",
      tally: ocsp,
      check: (options) =>
        fc.assert(
          // async: the answer is signed through the issuer's Signer, outside the timed read
          fc.asyncProperty(hostileDer(seeds.ocspRequests), async (request) => {
            let read: ReturnType<typeof readOcspRequest> = null;
            ocsp.time(() => {
              read = readOcspRequest(request, [seeds.issuer]);
              if (!read) return "null";
              ok(read.questions.length > 0, "a request without questions must read as null");
              return read.questions.some((q) => q.issuer) ? "questions about this issuer" : "questions about others";
            }, request);
            const answered = read as ReturnType<typeof readOcspRequest>;
            if (!answered) return;
            const now = new Date();
            const answers = answered.questions.map(({ certId, issuer }) => ({ certId, answer: issuer ? ({ status: "good" } as const) : ({ status: "unknown" } as const) }));
            const response = await buildOcspResponse({ issuer: seeds.issuer, answers, nonce: answered.nonce, thisUpdate: now, nextUpdate: now });
            ok(AsnConvert.parse(response, OCSPResponse).responseBytes, "the answer does not read back as an OCSP response");
          }),
          options,
        ),
    },
    {
      name: "hasLongBoolean: whenever asn1js would decode a BOOLEAN longer than one octet, the guard saw it first, and it refuses nothing else asn1js reads",
      tally: guard,
      check: (options) =>
        fc.assert(
          fc.property(fc.oneof(hostileDer(allDer), withShortLongBoolean(allDer), berTrees), (input) => {
            // Long inputs are left out: asn1js is the slow party there, which is the point of the guard.
            if (input.length > 8192) return;
            guard.time(() => {
              const isGuarded = hasLongBoolean(input);
              const asn1 = asn1jsRead(input);
              ok(isGuarded || !asn1.decodedLongBoolean, "asn1js decoded a long BOOLEAN that the guard let through");
              ok(!asn1.accepted || isGuarded === asn1.decodedLongBoolean, "the guard refused input asn1js reads without a long BOOLEAN");
              return isGuarded ? "refused" : "passed to asn1js";
            }, input);
          }),
          options,
        ),
    },
    {
      name: "readTlv, any bytes at any offset: a TLV inside the input, or a RangeError",
      tally: der,
      check: (options) =>
        fc.assert(
          fc.property(fc.oneof(hostileDer(allDer), randomDer), fc.nat(), (input, at) => {
            const offset = at % (input.length + 2);
            der.time(() => {
              let tlv: ReturnType<typeof readTlv>;
              try {
                tlv = readTlv(input, offset);
              } catch (error) {
                ok(error instanceof RangeError, `readTlv threw something other than a RangeError: ${String(error)}`);
                return "RangeError";
              }
              ok(tlv.start === offset && tlv.tag === input[offset] && offset + 2 <= tlv.contentStart && tlv.contentStart <= tlv.end && tlv.end <= input.length, `out of bounds: ${JSON.stringify(tlv)}`);
              return "tlv";
            }, input);
          }),
          options,
        ),
    },
  ];
}
