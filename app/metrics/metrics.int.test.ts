import { describe, expect, it } from "vitest";
import { forwardedLoopbackWarning } from "@/lib/domain/system/proxy-warning";
import { call, fromAddress } from "@/lib/testing/http";
import * as metrics from "./route";

// Behind a local reverse proxy with TRUST_PROXY_HOPS=0 (the tests' setting) every client
// is 127.0.0.1: forwarding headers are what gives the proxy away.

describe("/metrics without METRICS_TOKEN, and the forwarded-loopback warning", () => {
  it("answers a direct loopback request, refuses one that carries forwarding headers, and records the warning for the console", async () => {
    expect(await forwardedLoopbackWarning()).toBeNull();
    expect((await call(metrics.GET, {}, { headers: fromAddress("127.0.0.1") })).status).toBe(200);
    // Next.js adds X-Forwarded-For of its own between bin/server.mjs and the handler: a direct
    // request (the server noted no forwarding header) is still direct, and warns nobody.
    expect((await call(metrics.GET, {}, { headers: { ...fromAddress("127.0.0.1"), "x-forwarded-for": "127.0.0.1" } })).status).toBe(200);
    expect(await forwardedLoopbackWarning()).toBeNull();
    for (const header of ["x-forwarded-for", "forwarded", "x-real-ip"]) {
      const res = await call(metrics.GET, {}, { headers: { ...fromAddress("127.0.0.1", header), [header]: header === "forwarded" ? "for=203.0.113.9" : "203.0.113.9" } });
      expect(res.status).toBe(403);
    }
    await expect.poll(forwardedLoopbackWarning).toMatchObject({ header: "x-forwarded-for" });
  });
});
