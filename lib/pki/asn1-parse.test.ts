import "reflect-metadata";
import { AsnConvert } from "@peculiar/asn1-schema";
import { afterEach, describe, expect, it, vi } from "vitest";
import { hasLongBoolean, hasLongOid, MAX_OID_OCTETS } from "@/lib/pki/asn1-parse";
import { checkCsr } from "@/lib/pki/csr";
import { readOcspRequest } from "@/lib/pki/ocsp";
import { toPem } from "@/lib/pki/pem";
import { parserSeeds } from "@/lib/testing/fuzz/parser-seeds";
import { asn1jsDecodedLongBoolean } from "@/lib/testing/fuzz/reader-properties";

// Found by bench/fuzz-parsers.ts: a request holding a 54 KB BOOLEAN took asn1js 2.8 s to
// parse (quadratic decoding). Such input must never reach asn1js; this is asserted by what
// is called, not by time (speed is measured in bench/).

const seeds = await parserSeeds();
const sequence = (...parts: Uint8Array[]) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([0x30, 0x83, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
};
const longBoolean = Buffer.concat([Buffer.from([0x01, 0x82, 0xc3, 0x50]), Buffer.alloc(50_000, 0x41)]);

afterEach(() => vi.restoreAllMocks());

describe("client ASN.1 with a BOOLEAN longer than one octet (X.690 §8.2.1)", () => {
  it("is found at any depth, after definite and indefinite containers, and only there", () => {
    expect(hasLongBoolean(sequence(longBoolean))).toBe(true);
    expect(hasLongBoolean(Buffer.concat([Buffer.from([0x30, 0x80, 0xa0, 0x80]), Buffer.from([0x01, 0x02, 0xff, 0xff]), Buffer.from([0, 0, 0, 0])]))).toBe(true);
    expect(hasLongBoolean(sequence(Buffer.from([0x05, 0x00]), Buffer.from([0x01, 0x00])))).toBe(true);
    // Long-form tag number 1 is a BOOLEAN to asn1js too.
    expect(hasLongBoolean(Buffer.from([0x1f, 0x01, 0x02, 0xff, 0xff]))).toBe(true);
    expect(hasLongBoolean(Buffer.from([0x01, 0x01, 0xff]))).toBe(false);
    // The same octets as a context tag or inside an OCTET STRING are not a BOOLEAN.
    expect(hasLongBoolean(Buffer.from([0x81, 0x02, 0xff, 0xff]))).toBe(false);
    expect(hasLongBoolean(Buffer.from([0x04, 0x04, 0x01, 0x02, 0xff, 0xff]))).toBe(false);
    for (const seed of [...seeds.csrs.map((s) => s.der), seeds.leafDer, ...seeds.ocspRequests]) expect(hasLongBoolean(seed)).toBe(false);
  });

  // Found by the guard's property (bench, run 334): asn1js also decoded the bytes of a BIT
  // STRING as ASN.1, a BOOLEAN inside them included, where the guard does not look.
  it("inside the bytes of a BIT STRING or an OCTET STRING is not decoded by asn1js at all", () => {
    for (const bytes of [[0x03, 0x05, 0x00, 0x01, 0x02, 0xff, 0xff], [0x04, 0x04, 0x01, 0x02, 0xff, 0xff], [0x30, 0x06, 0x04, 0x04, 0x01, 0x02, 0xff, 0xff]]) {
      expect(hasLongBoolean(Uint8Array.from(bytes))).toBe(false);
      expect(asn1jsDecodedLongBoolean(Uint8Array.from(bytes))).toBe(false);
    }
  });

  // Found by the guard's property in `npm test` (the CI run of 2026-11-29 failed on one of
  // them): a plain TLV walk and asn1js disagree on where blocks are, so the guard missed
  // BOOLEANs asn1js then decoded, or refused input asn1js reads without one.
  it("walks BER where asn1js does: each case the same for the guard and for asn1js", () => {
    const cases: [string, number[], boolean][] = [
      ["a SEQUENCE whose constructed bit is clear is still read as one", [0x10, 0x04, 0x01, 0x02, 0xff, 0xff], true],
      ["a child running past its container's end: the parent's next sibling is read after it", [0x30, 0x0a, 0x30, 0x02, 0x04, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0xff, 0xff], true],
      ["an end-of-contents with a length consumes its header only", [0x30, 0x06, 0x00, 0x04, 0x01, 0x02, 0xff, 0xff], true],
      ["a constructed UTF8String is read as octets", [0x2c, 0x04, 0x01, 0x02, 0xff, 0xff], false],
      ["a constructed context tag is read as children", [0xa3, 0x04, 0x01, 0x02, 0xff, 0xff], true],
      ["bytes after the first block are not read", [0x30, 0x00, 0x01, 0x02, 0xff, 0xff], false],
      ["a long tag number of ten octets is an unknown tag, and the walk goes on", [0x30, 0x12, 0x1f, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00, 0x01, 0x02, 0xff, 0xff, 0x05, 0x00], true],
    ];
    for (const [what, bytes, decoded] of cases) {
      const ber = Uint8Array.from(bytes);
      expect(asn1jsDecodedLongBoolean(ber), `asn1js: ${what}`).toBe(decoded);
      expect(hasLongBoolean(ber), `guard: ${what}`).toBe(decoded);
    }
  });

  it("never reaches asn1js from the CSR check or the OCSP reader, and is refused as they refuse garbage", () => {
    const parse = vi.spyOn(AsnConvert, "parse");
    const csr = sequence(seeds.csrs[0]!.tbs, longBoolean);
    expect(() => checkCsr(toPem(csr, "CERTIFICATE REQUEST"))).toThrow(expect.objectContaining({ code: "invalid_csr" }));
    expect(readOcspRequest(sequence(sequence(longBoolean)), [seeds.issuer])).toBeNull();
    expect(parse).not.toHaveBeenCalled();
  });
});

// Found by bench/fuzz-parsers.ts at full size: a CSR whose key algorithm was a 60 KB OBJECT
// IDENTIFIER (60,000 one-octet arcs) took asn1js ~0.4 s on every check, linear but heavy,
// so one 64 KiB body per request could hold a worker. No real OID is longer than a few dozen octets.
describe("client ASN.1 with an over-long OBJECT IDENTIFIER", () => {
  const oid = (octets: number, tag = 0x06) => Buffer.concat([Buffer.from(octets < 128 ? [tag, octets] : [tag, 0x82, octets >> 8, octets & 0xff]), Buffer.alloc(octets, 0x41)]);

  it("is found at any depth, as OID or RELATIVE-OID, and real ones pass", () => {
    expect(hasLongOid(sequence(oid(60_000)))).toBe(true);
    expect(hasLongOid(sequence(oid(MAX_OID_OCTETS + 1, 0x0d)))).toBe(true);
    expect(hasLongOid(sequence(oid(MAX_OID_OCTETS)))).toBe(false);
    // The same octets under a context tag are not an OID.
    expect(hasLongOid(sequence(oid(60_000, 0x86)))).toBe(false);
    for (const seed of [...seeds.csrs.map((s) => s.der), seeds.leafDer, ...seeds.ocspRequests]) expect(hasLongOid(seed)).toBe(false);
  });

  it("never reaches asn1js from the CSR check or the OCSP reader, and is refused as they refuse garbage", () => {
    const parse = vi.spyOn(AsnConvert, "parse");
    const csr = sequence(seeds.csrs[0]!.tbs, sequence(oid(60_000)));
    expect(() => checkCsr(toPem(csr, "CERTIFICATE REQUEST"))).toThrow(expect.objectContaining({ code: "invalid_csr" }));
    expect(readOcspRequest(sequence(sequence(oid(60_000))), [seeds.issuer])).toBeNull();
    expect(parse).not.toHaveBeenCalled();
  });
});
