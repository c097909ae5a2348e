import "reflect-metadata";
import { AsnConvert } from "@peculiar/asn1-schema";
import type { AlgorithmIdentifier, Certificate, Name } from "@peculiar/asn1-x509";

// Parsing client-supplied ASN.1 (CSRs, OCSP requests, SCEP messages) with the @peculiar types,
// minus two traps. asn1js decodes a BOOLEAN in time quadratic in its length (pvutils'
// utilDecodeTC reads `valueHex`, a fresh copy of the value, on every loop step), so one 50 KB
// BOOLEAN in a request body holds a worker for seconds. X.690 §8.2.1 allows exactly one content
// octet, in BER as in DER, so input with a longer BOOLEAN is refused before asn1js sees it. And
// asn1js by default also tries to decode the content of every primitive OCTET and BIT STRING as
// ASN.1, which the types never use (they read those as bytes) and which would put BOOLEANs out
// of the guard's sight: it is turned off.
//
// Serializing what was parsed is a third trap: AsnConvert.serialize hands every raw ANY value
// (AlgorithmIdentifier parameters, a Name's value of no string type) back to asn1js.fromBER
// with its defaults, embedded content decoded and no guard, so an ecPublicKey whose
// parameters were OCTET STRING { BOOLEAN of 40,000 octets } cost ~0.5 s of CPU there after a
// first parse of 4 ms. Code that serializes a client's structure bounds the ANY octets it
// re-reads (rawAnyOctets), or compares octets instead of serializing.

/** How client input is handed to asn1js (the guard below walks exactly what it then decodes). */
export const CLIENT_BER_OPTIONS = { parseEmbedded: false } as const;

/** A universal primitive asn1js would decode: its tag number and its content length. */
type PrimitiveTest = (tagNumber: number, length: number) => boolean;

/** A BOOLEAN of other than one octet (X.690 §8.2.1). */
const isLongBoolean: PrimitiveTest = (tag, length) => tag === 1 && length !== 1;

/**
 * The longest OBJECT IDENTIFIER (or RELATIVE-OID) a client may send, in content octets. Real
 * ones are a few dozen; asn1js spends ~4 µs per arc, so a 60 KB one (60,000 one-octet arcs,
 * found by bench/fuzz-parsers.ts) held a worker for ~0.4 s per request body.
 */
export const MAX_OID_OCTETS = 128;
const isLongOid: PrimitiveTest = (tag, length) => (tag === 6 || tag === 13) && length > MAX_OID_OCTETS;

/** True when the BER holds a universal BOOLEAN whose length is not 1. */
export const hasLongBoolean = (ber: Uint8Array) => hasPrimitive(ber, isLongBoolean);

/** True when the BER holds an OBJECT IDENTIFIER or RELATIVE-OID longer than MAX_OID_OCTETS. */
export const hasLongOid = (ber: Uint8Array) => hasPrimitive(ber, isLongOid);

/** True when the BER holds a universal primitive the test picks, among the blocks asn1js would decode. */
function hasPrimitive(ber: Uint8Array, test: PrimitiveTest): boolean {
  try {
    if (ber.length > 0) walkBlock(ber, 0, ber.length, 0, test);
    return false;
  } catch (found) {
    if (found === FOUND) return true;
    throw found;
  }
}

const FOUND = Symbol("found");
/** Where asn1js gives up with an error: nothing after it is decoded. */
const STOP = -1;
/** asn1js's defaults, which @peculiar's parse leaves as they are. */
const MAX_DEPTH = 100;
const MAX_CONTENT_LENGTH = 16 * 1024 * 1024;
/** Universal tags asn1js refuses in constructed form. */
const PRIMITIVE_ONLY = new Set([1, 2, 5, 6, 9, 13, 14, 23, 24, 31, 32, 33, 34]);
/** Universal tags asn1js reads as plain octets even in constructed form (ENUMERATED and the strings). */
const OCTETS_EVEN_CONSTRUCTED = new Set([10, 12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 29, 30]);

/**
 * One block as asn1js 3 decodes it (localFromBER), mirrored step by step, because the guard
 * must see every block asn1js will, in the same places. Its ways that a plain TLV walk misses,
 * each found by the guard's property (lib/testing/fuzz/reader-properties.ts):
 * - a block's content is bounded by the end of the input, not by its container's length; the
 *   container then stops, and its parent goes on from where the overrunning child ended;
 * - SEQUENCE and SET are read as constructed whatever their constructed bit says, and
 *   ENUMERATED and the strings as octets whatever it says;
 * - an end-of-contents block (tag 0) consumes its header only, whatever its length says;
 * - a long tag number of more than 8 octets is not an error but an unknown tag.
 * Returns the block's length in octets (header and content), or STOP; throws FOUND.
 */
function walkBlock(ber: Uint8Array, at: number, inputLength: number, depth: number, test: PrimitiveTest, isEoc?: { value: boolean }): number {
  if (depth > MAX_DEPTH || inputLength <= 0 || at + inputLength > ber.length) return STOP;
  const first = ber[at]!;
  const isConstructed = (first & 0x20) !== 0;
  const isUniversal = first >> 6 === 0;
  let tag = first & 0x1f;
  let idLength = 1;
  if (tag === 0x1f) {
    tag = 0;
    do {
      if (idLength >= inputLength) return STOP;
      tag = tag * 128 + (ber[at + idLength]! & 0x7f);
    } while (ber[at + idLength++]! & 0x80);
    if (idLength > 9) tag = -1; // asn1js keeps such a tag as hex: an unknown tag
  }
  if (isUniversal && isConstructed && PRIMITIVE_ONLY.has(tag)) return STOP;

  let rest = inputLength - idLength;
  const lengthByte = ber[at + idLength];
  if (rest <= 0 || lengthByte === undefined || lengthByte === 0xff) return STOP;
  const isIndefinite = lengthByte === 0x80;
  let length = lengthByte;
  let lengthOctets = 1;
  if (lengthByte > 0x80) {
    const count = lengthByte & 0x7f;
    if (count > 8 || count + 1 > rest) return STOP;
    length = 0;
    for (let i = 1; i <= count; i++) length = length * 256 + ber[at + idLength + i]!;
    lengthOctets += count;
  }
  rest -= lengthOctets;
  const header = idLength + lengthOctets;
  const contentLength = isIndefinite ? rest : length;
  if (contentLength > MAX_CONTENT_LENGTH || (!isConstructed && isIndefinite)) return STOP;
  if (isUniversal && (tag === 15 || tag >= 37)) return STOP;
  if (isUniversal && tag === 0) {
    if (isConstructed && length > 0) return STOP;
    if (isEoc) isEoc.value = true;
    return header;
  }

  const content = at + header;
  const isContainer = isUniversal ? tag === 16 || tag === 17 || (isConstructed && !OCTETS_EVEN_CONSTRUCTED.has(tag)) : isConstructed;
  if (isContainer) {
    const used = walkContent(ber, content, contentLength, isIndefinite, depth, test);
    return used === STOP ? STOP : header + used;
  }
  if (isUniversal && test(tag, contentLength)) throw FOUND;
  return content + contentLength > ber.length ? STOP : header + contentLength;
}

/** The children of a constructed block (asn1js's LocalConstructedValueBlock): octets used, or STOP. */
function walkContent(ber: Uint8Array, at: number, length: number, isIndefinite: boolean, depth: number, test: PrimitiveTest): number {
  if (at + length > ber.length) return STOP;
  if (length === 0) return 0;
  let used = 0;
  for (let rest = length; isIndefinite || rest > 0; ) {
    const isEoc = { value: false };
    const child = walkBlock(ber, at + used, rest, depth + 1, test, isEoc);
    if (child === STOP) return STOP;
    used += child;
    rest -= child;
    if (isIndefinite && isEoc.value) break;
  }
  return used;
}

/** AsnConvert.parse for input from clients; throws as it does, also for a BOOLEAN longer than one octet or an over-long OID. */
export function parseClientAsn1<T>(der: Uint8Array, type: new () => T): T {
  if (hasLongBoolean(der)) throw new RangeError("a BOOLEAN longer than one octet (X.690 §8.2.1)");
  if (hasLongOid(der)) throw new RangeError(`an OBJECT IDENTIFIER longer than ${MAX_OID_OCTETS} octets`);
  return AsnConvert.parse(der, type, { berOptions: CLIENT_BER_OPTIONS });
}

/**
 * The most raw ANY octets from a client that one serialization may re-read: a few ms at worst,
 * whatever they embed. Real ones are far smaller (a NULL; explicit P-384 parameters, the
 * largest, ~300). The bound holds per serialization, so a structure that a request can repeat
 * is compared by its octets instead.
 */
export const MAX_RESERIALIZED_ANY_OCTETS = 1024;

/**
 * The raw ANY octets AsnConvert.serialize would re-read in these parsed parts. A certificate's
 * are those of its three algorithms and two names: its extensions' values are plain octets.
 */
export function rawAnyOctets(...parts: (AlgorithmIdentifier | Name | Certificate)[]): number {
  let total = 0;
  for (const part of parts) {
    if ("tbsCertificate" in part) {
      const tbs = part.tbsCertificate;
      total += rawAnyOctets(part.signatureAlgorithm, tbs.signature, tbs.subjectPublicKeyInfo.algorithm, tbs.issuer, tbs.subject);
    } else if ("algorithm" in part) total += part.parameters?.byteLength ?? 0;
    else for (const rdn of part) for (const { value } of rdn) total += value.anyValue?.byteLength ?? 0;
  }
  return total;
}
