import { describe, expect, it } from "vitest";
import { addressKey } from "@/lib/http/client-info";

describe("addressKey (every per-address limit counts under it)", () => {
  it("keeps IPv4 as it is", () => {
    expect(addressKey("203.0.113.9")).toBe("203.0.113.9");
  });

  it("counts IPv6 by its /64, however the address is written", () => {
    const key = "2001:db8:1:2::/64";
    expect(addressKey("2001:db8:1:2::1")).toBe(key);
    expect(addressKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe(key);
    expect(addressKey("2001:DB8:1:2:a:b:c:d")).toBe(key);
    expect(addressKey("[2001:db8:1:2::5]")).toBe(key);
    expect(addressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(addressKey("2001:db8:1:3::1")).not.toBe(key);
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("2001:db8::1.2.3.4")).toBe("2001:db8:0:0::/64");
  });

  it("reads an IPv4-mapped IPv6 address as the IPv4 address", () => {
    expect(addressKey("::ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(addressKey("::ffff:c633:6407")).toBe("198.51.100.7");
    expect(addressKey("0:0:0:0:0:ffff:198.51.100.7")).toBe("198.51.100.7");
  });

  it("anything that is not an address is one key, 'unknown'", () => {
    expect(addressKey(null)).toBe("unknown");
    expect(addressKey("")).toBe("unknown");
    expect(addressKey("not an address")).toBe("unknown");
  });
});
