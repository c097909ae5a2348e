import { isIP } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIpAddress, mappedIpv4, parseIpAddress } from "@/lib/validation/ip-address";

// Node's parser and the WHATWG URL host serializer (RFC 5952 text) judge the browser-safe one.

const whatwgIpv6 = (text: string) => new URL(`http://[${text}]/`).hostname.slice(1, -1);

describe("IP addresses", () => {
  it("reads every address fast-check spells and only those Node reads too", () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (text) => {
        const bytes = parseIpAddress(text);
        expect(bytes?.length).toBe(isIP(text) === 4 ? 4 : 16);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."0123456789abcdef:.%"), maxLength: 20 }), (text) => {
        // Node reads leading-zero IPv4 parts (and zones); this parser refuses both on purpose.
        if (parseIpAddress(text)) expect(isIP(text)).not.toBe(0);
      }),
    );
  });

  it("writes RFC 5952 text that reads back to the same octets", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 8 }), (bytes, at, zeros) => {
        bytes.fill(0, 2 * at, Math.min(16, 2 * (at + zeros))); // runs of zero groups, where `::` matters
        const text = formatIpAddress(bytes);
        expect(parseIpAddress(text)).toEqual(bytes);
        if (!mappedIpv4(bytes)) expect(text).toBe(whatwgIpv6(text.toUpperCase()));
      }),
    );
    expect(formatIpAddress(parseIpAddress("2001:0DB8:0000:0000:0001:0000:0000:0001")!)).toBe("2001:db8::1:0:0:1");
    expect(formatIpAddress(parseIpAddress("::")!)).toBe("::");
    expect(formatIpAddress(parseIpAddress("::ffff:c000:0201")!)).toBe("::ffff:192.0.2.1");
  });

  it("refuses zones, leading zeros and malformed groups", () => {
    for (const text of ["fe80::1%eth0", "01.2.3.4", "1.2.3.256", "1.2.3", "::1::", ":1::2", "1:2:3:4:5:6:7:8:9", "12345::", "::1.2.3.4.5", "1.2.3.4::"]) {
      expect(parseIpAddress(text), text).toBeNull();
    }
    expect(mappedIpv4(parseIpAddress("::ffff:10.1.2.3")!)).toEqual(new Uint8Array([10, 1, 2, 3]));
    expect(mappedIpv4(parseIpAddress("::10.1.2.3")!)).toBeNull();
  });
});
