import { describe, expect, it } from "vitest";
import { clientIp, forwardingHeaderOf, isLoopback } from "./client-ip.mjs";

describe("clientIp", () => {
  it("ignores X-Forwarded-For when no proxy is trusted, so clients cannot choose their address", () => {
    expect(clientIp("6.6.6.6", "::ffff:127.0.0.1", 0)).toBe("127.0.0.1");
    expect(clientIp(undefined, "10.1.2.3", 0)).toBe("10.1.2.3");
    expect(clientIp(undefined, "::1", 0)).toBe("::1");
  });

  it("with N trusted proxies takes the entry the nearest trusted proxy saw", () => {
    // client -> proxy A (adds client) -> proxy B (adds A) -> certdoor (socket = B)
    expect(clientIp("203.0.113.9, 10.0.0.5", "10.0.0.6", 2)).toBe("203.0.113.9");
    // a forged entry in front of the real one does not help the client
    expect(clientIp("6.6.6.6, 203.0.113.9", "10.0.0.6", 1)).toBe("203.0.113.9");
    // more trusted hops than entries: the left-most available
    expect(clientIp("203.0.113.9", "10.0.0.6", 5)).toBe("203.0.113.9");
  });
});

describe("forwarding headers and loopback", () => {
  it("names the forwarding header a request carries, from Headers or Node's header object", () => {
    expect(forwardingHeaderOf(new Headers({ "X-Forwarded-For": "203.0.113.9" }))).toBe("x-forwarded-for");
    expect(forwardingHeaderOf(new Headers({ Forwarded: "for=203.0.113.9" }))).toBe("forwarded");
    expect(forwardingHeaderOf({ "x-real-ip": "203.0.113.9" })).toBe("x-real-ip");
    expect(forwardingHeaderOf(new Headers({ host: "localhost" }))).toBeNull();
  });

  it("knows loopback addresses in every spelling the server sees", () => {
    for (const ip of ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"]) expect(isLoopback(ip)).toBe(true);
    for (const ip of ["10.0.0.1", "::ffff:10.0.0.1", "2001:db8::1", "", null]) expect(isLoopback(ip)).toBe(false);
  });
});
