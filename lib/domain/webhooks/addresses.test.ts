import { describe, expect, it } from "vitest";
import { refusalOf } from "@/lib/domain/webhooks/addresses";
import { SPECIAL_RANGES } from "@/lib/domain/webhooks/special-addresses";

/** The first and last address of a registry prefix, written out in full (no "::", no dotted part). */
function bounds(prefix: string): [string, string] {
  const [base, bitsText] = prefix.split("/") as [string, string];
  const isV4 = base.includes(".");
  const width = isV4 ? 32 : 128;
  let value: bigint;
  if (isV4) {
    value = base.split(".").reduce((n, part) => (n << 8n) | BigInt(part), 0n);
  } else {
    const [head, tail = ""] = base.split("::");
    const front = head ? head.split(":") : [];
    const back = tail ? tail.split(":") : [];
    const groups = base.includes("::") ? [...front, ...Array<string>(8 - front.length - back.length).fill("0"), ...back] : front;
    value = groups.reduce((n, g) => (n << 16n) | BigInt(`0x${g}`), 0n);
  }
  const host = (1n << BigInt(width - Number(bitsText))) - 1n;
  const write = (n: bigint) =>
    isV4
      ? [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join(".")
      : [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => ((n >> s) & 0xffffn).toString(16)).join(":");
  return [write(value & ~host), write(value | host)];
}

describe("webhook target addresses", () => {
  it("refuses private, loopback, link-local, unspecified, CGNAT, unique-local and reserved addresses", () => {
    const refused = [
      "0.0.0.0", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.254", "127.0.0.1", "127.53.0.1", "169.254.169.254",
      "172.16.0.1", "172.31.255.255", "192.168.1.1", "192.0.0.170", "198.18.0.1", "224.0.0.1", "255.255.255.255",
      "::", "::1", "fe80::1", "fe80::1%eth0", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "2001:db8::1", "2002:7f00:1::1", "100::1",
    ];
    expect(refused.filter((a) => refusalOf(a) === null)).toEqual([]);
  });

  it("refuses local-use NAT64, Teredo, the documentation ranges and the other blocks the review named", () => {
    const refused = [
      "64:ff9b:1::a00:1", "64:ff9b:1::5db8:d822", "64:ff9b:1:ffff::1", // RFC 8215, whatever IPv4 address it seems to carry
      "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", // Teredo
      "192.0.2.1", "198.51.100.7", "203.0.113.200", "3fff::1", "3fff:fff:ffff::1", // documentation
      "5f00::1", "2001:2::1", "2001:10::1", "2001:1::4", "192.88.99.1", "192.0.0.8", "100:0:0:1::1", "::2:1",
    ];
    expect(refused.filter((a) => refusalOf(a) === null)).toEqual([]);
    expect(refusalOf("64:ff9b:1::a00:1")).toMatch(/local use.*RFC 8215/);
    expect(refusalOf("2001::1")).toMatch(/TEREDO.*RFC 4380/);
    expect(refusalOf("3fff::1")).toMatch(/Documentation.*RFC 9637/);
  });

  it.each(SPECIAL_RANGES.filter((r) => !r.isGloballyReachable && !r.carriesIPv4).map((r) => [r.prefix, r.name] as const))("refuses %s (%s) from its first address to its last", (prefix) => {
    const [first, last] = bounds(prefix);
    expect({ first, why: refusalOf(first) }).toEqual({ first, why: expect.any(String) });
    expect({ last, why: refusalOf(last) }).toEqual({ last, why: expect.any(String) });
  });

  it.each(SPECIAL_RANGES.filter((r) => r.isGloballyReachable && !r.carriesIPv4).map((r) => [r.prefix, r.name] as const))("lets %s (%s, globally reachable) through", (prefix) => {
    const [first, last] = bounds(prefix);
    expect({ first, why: refusalOf(first) }).toEqual({ first, why: null });
    expect({ last, why: refusalOf(last) }).toEqual({ last, why: null });
  });

  it("judges IPv6 forms that carry an IPv4 address by that address, however they are written", () => {
    for (const a of ["::ffff:127.0.0.1", "::ffff:7f00:1", "0:0:0:0:0:ffff:7f00:0001", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "64:ff9b::192.168.0.1", "64:ff9b::192.0.2.1", "::127.0.0.1", "::10.0.0.1"]) {
      expect({ a, refused: refusalOf(a) !== null }).toEqual({ a, refused: true });
    }
    expect(refusalOf("::ffff:7f00:1")).toMatch(/carries 127\.0\.0\.1/);
    expect(refusalOf("::ffff:93.184.216.34")).toBeNull();
    expect(refusalOf("64:ff9b::5db8:d822")).toBeNull();
    expect(refusalOf("64:ff9b::192.0.0.9")).toBeNull();
  });

  it("lets public addresses through", () => {
    for (const a of ["93.184.216.34", "8.8.8.8", "100.63.255.255", "100.128.0.1", "172.15.255.255", "172.32.0.1", "192.169.0.1", "192.0.3.1", "203.0.114.1", "2606:4700:4700::1111", "2a00:1450:4001::200e", "2001:200::1", "3fff:1000::1"]) {
      expect({ a, why: refusalOf(a) }).toEqual({ a, why: null });
    }
  });

  it("refuses what is not an address at all", () => {
    expect(refusalOf("example.com")).toMatch(/not an IP address/);
  });
});
