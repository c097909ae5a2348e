import { describe, expect, it } from "vitest";
import { refusalOf } from "@/lib/domain/webhooks/addresses";

describe("webhook target addresses", () => {
  it("refuses private, loopback, link-local, unspecified, CGNAT, unique-local and reserved addresses", () => {
    const refused = [
      "0.0.0.0", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.254", "127.0.0.1", "127.53.0.1", "169.254.169.254",
      "172.16.0.1", "172.31.255.255", "192.168.1.1", "192.0.0.170", "198.18.0.1", "224.0.0.1", "255.255.255.255",
      "::", "::1", "fe80::1", "fe80::1%eth0", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "2001:db8::1", "2002:7f00:1::1", "100::1",
    ];
    expect(refused.filter((a) => refusalOf(a) === null)).toEqual([]);
  });

  it("judges IPv6 forms that carry an IPv4 address by that address, however they are written", () => {
    for (const a of ["::ffff:127.0.0.1", "::ffff:7f00:1", "0:0:0:0:0:ffff:7f00:0001", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "64:ff9b::192.168.0.1", "::127.0.0.1", "::10.0.0.1"]) {
      expect({ a, refused: refusalOf(a) !== null }).toEqual({ a, refused: true });
    }
    expect(refusalOf("::ffff:7f00:1")).toMatch(/carries 127\.0\.0\.1/);
    expect(refusalOf("::ffff:93.184.216.34")).toBeNull();
    expect(refusalOf("64:ff9b::5db8:d822")).toBeNull();
  });

  it("lets public addresses through", () => {
    for (const a of ["93.184.216.34", "8.8.8.8", "100.63.255.255", "100.128.0.1", "172.15.255.255", "172.32.0.1", "192.169.0.1", "2606:4700:4700::1111", "2a00:1450:4001::200e"]) {
      expect({ a, why: refusalOf(a) }).toEqual({ a, why: null });
    }
  });

  it("refuses what is not an address at all", () => {
    expect(refusalOf("example.com")).toMatch(/not an IP address/);
  });
});
