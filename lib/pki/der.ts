// The few DER primitives the issuing hot path needs to assemble a certificate from parts
// that the @peculiar/asn1 types produced once (per issuer) and the per-certificate values.
// Only definite lengths, only what X.509 uses; every output is checked against the
// @peculiar-built certificate in lib/pki/issue.test.ts.

export const TAG = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  utf8String: 0x0c,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** A tag-length-value of the given parts. */
export function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  const content = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]);
}

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5), whole seconds, Z. */
export function derTime(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, "");
  return date.getUTCFullYear() < 2050 ? tlv(TAG.utcTime, Buffer.from(`${digits.slice(2)}Z`, "latin1")) : tlv(TAG.generalizedTime, Buffer.from(`${digits}Z`, "latin1"));
}

export type Tlv = { tag: number; start: number; contentStart: number; end: number };

/** Reads the TLV at `offset` (definite lengths only); throws on anything truncated. */
export function readTlv(der: Uint8Array, offset = 0): Tlv {
  const tag = der[offset];
  let length = der[offset + 1];
  if (tag === undefined || length === undefined) throw new RangeError("truncated DER");
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new RangeError("unsupported DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[contentStart + i] ?? NaN);
    contentStart += count;
  }
  const end = contentStart + length;
  if (!Number.isFinite(end) || end > der.length) throw new RangeError("truncated DER");
  return { tag, start: offset, contentStart, end };
}
