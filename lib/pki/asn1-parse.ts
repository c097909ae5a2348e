import "reflect-metadata";
import { AsnConvert } from "@peculiar/asn1-schema";

// Parsing client-supplied ASN.1 (CSRs, OCSP requests) with the @peculiar types, minus two
// traps. asn1js decodes a BOOLEAN in time quadratic in its length (pvutils' utilDecodeTC reads
// `valueHex`, a fresh copy of the value, on every loop step), so one 50 KB BOOLEAN in a request
// body holds a worker for seconds. X.690 §8.2.1 allows exactly one content octet, in BER as in
// DER, so input with a longer BOOLEAN is refused before asn1js sees it. And asn1js by default
// also tries to decode the content of every primitive OCTET and BIT STRING as ASN.1, which
// the types never use (they read those as bytes) and which would put BOOLEANs out of the
// guard's sight: it is turned off.

/** How client input is handed to asn1js (the guard below walks exactly what it then decodes). */
export const CLIENT_BER_OPTIONS = { parseEmbedded: false } as const;

const INDEFINITE = -1;

/** A universal primitive asn1js would decode: its tag number, and its length (-1: indefinite). */
type PrimitiveTest = (tagNumber: number, length: number) => boolean;

/** A BOOLEAN of other than one octet (X.690 §8.2.1). */
const isLongBoolean: PrimitiveTest = (tag, length) => tag === 1 && length !== 1;

/**
 * The longest OBJECT IDENTIFIER (or RELATIVE-OID) a client may send, in content octets. Real
 * ones are a few dozen; asn1js spends ~4 µs per arc, so a 60 KB one (60,000 one-octet arcs,
 * found by bench/fuzz-parsers.ts) held a worker for ~0.4 s per request body.
 */
export const MAX_OID_OCTETS = 128;
const isLongOid: PrimitiveTest = (tag, length) => (tag === 6 || tag === 13) && (length === INDEFINITE || length > MAX_OID_OCTETS);

/** True when the BER holds a universal BOOLEAN whose length is not 1. */
export const hasLongBoolean = (ber: Uint8Array) => hasPrimitive(ber, isLongBoolean);

/** True when the BER holds an OBJECT IDENTIFIER or RELATIVE-OID longer than MAX_OID_OCTETS. */
export const hasLongOid = (ber: Uint8Array) => hasPrimitive(ber, isLongOid);

/**
 * True when the BER holds a universal primitive the test picks. Walks the TLVs in the order
 * asn1js decodes them, without recursion (nesting can be thousands deep), and stops where
 * asn1js would stop with an error (a length past its container, a truncated header).
 */
function hasPrimitive(ber: Uint8Array, test: PrimitiveTest): boolean {
  // The containers being read: where each ends (or INDEFINITE) and how far its content may reach.
  const open: { end: number; limit: number }[] = [];
  const limitHere = () => open.at(-1)?.limit ?? ber.length;
  let at = 0;
  while (at < ber.length) {
    const top = open.at(-1);
    if (top && top.end !== INDEFINITE && at >= top.end) {
      open.pop();
      continue;
    }
    if (top?.end === INDEFINITE && ber[at] === 0 && ber[at + 1] === 0) {
      open.pop();
      at += 2;
      continue;
    }
    const first = ber[at++]!;
    let tagNumber = first & 0x1f;
    if (tagNumber === 0x1f) {
      tagNumber = 0;
      for (let byte = 0x80; byte & 0x80; ) {
        byte = ber[at++] ?? -1;
        if (byte < 0 || tagNumber > 0xffffff) return false;
        tagNumber = tagNumber * 128 + (byte & 0x7f);
      }
    }
    const lengthByte = ber[at++];
    if (lengthByte === undefined) return false;
    let length = lengthByte;
    const isIndefinite = lengthByte === 0x80;
    if (lengthByte > 0x80) {
      length = 0;
      for (let i = 0; i < (lengthByte & 0x7f); i++) {
        const byte = ber[at++];
        if (byte === undefined || length > 2 ** 40) return false;
        length = length * 256 + byte;
      }
    }
    const isConstructed = (first & 0x20) !== 0;
    if (first >> 6 === 0 && !isConstructed && test(tagNumber, isIndefinite ? INDEFINITE : length)) return true;
    if (!isIndefinite && at + length > limitHere()) return false;
    if (isConstructed) {
      open.push(isIndefinite ? { end: INDEFINITE, limit: limitHere() } : { end: at + length, limit: at + length });
    } else {
      if (isIndefinite) return false;
      at += length;
    }
  }
  return false;
}

/** AsnConvert.parse for input from clients; throws as it does, also for a BOOLEAN longer than one octet or an over-long OID. */
export function parseClientAsn1<T>(der: Uint8Array, type: new () => T): T {
  if (hasLongBoolean(der)) throw new RangeError("a BOOLEAN longer than one octet (X.690 §8.2.1)");
  if (hasLongOid(der)) throw new RangeError(`an OBJECT IDENTIFIER longer than ${MAX_OID_OCTETS} octets`);
  return AsnConvert.parse(der, type, { berOptions: CLIENT_BER_OPTIONS });
}
