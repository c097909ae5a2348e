import { afterEach, describe, expect, it } from "vitest";
import { env, parseEnv } from "@/lib/env";
import { originFrom } from "@/lib/http/client-info";
import { certificatePointerBase, publicUrl } from "@/lib/runtime/public-url";

// Links carry PUBLIC_URL, or the address the request was made at, and only a plain host
// from a Host header can become part of a link.

const saved = { PUBLIC_URL: env.PUBLIC_URL, isPublicUrlSet: env.isPublicUrlSet, TRUST_PROXY_HOPS: env.TRUST_PROXY_HOPS, CERTDOOR_LAUNCH_URL: env.CERTDOOR_LAUNCH_URL };
afterEach(() => {
  Object.assign(env, saved);
});

const headers = (values: Record<string, string>) => new Headers(values);

describe("the address links carry", () => {
  it("is the request's own address when PUBLIC_URL is unset", () => {
    Object.assign(env, { isPublicUrlSet: false, PUBLIC_URL: "http://localhost:3000" });
    expect(publicUrl({ origin: originFrom(headers({ host: "192.0.2.10:3000" })) })).toBe("http://192.0.2.10:3000");
    expect(publicUrl({ origin: originFrom(headers({ host: "Certs.Example.com" })) })).toBe("http://certs.example.com");
    expect(publicUrl({ origin: originFrom(headers({ host: "[2001:db8::1]:3000" })) })).toBe("http://[2001:db8::1]:3000");
    expect(publicUrl(null)).toBe("http://localhost:3000");
  });

  it("is PUBLIC_URL whenever it is set", () => {
    Object.assign(env, { isPublicUrlSet: true, PUBLIC_URL: "https://certs.example.com" });
    expect(publicUrl({ origin: "http://192.0.2.10:3000" })).toBe("https://certs.example.com");
  });

  it("never takes anything but a plain host from the Host header", () => {
    for (const host of ["evil.example/path", "a b", "user@evil.example", "evil.example#x", "", "x:99999999", "-bad-.example"]) {
      expect(originFrom(headers(host ? { host } : {})), host).toBeNull();
    }
  });

  it("believes X-Forwarded-Host and -Proto only from trusted proxies", () => {
    const forwarded = headers({ host: "10.0.0.5:3000", "x-forwarded-host": "certs.example.com", "x-forwarded-proto": "https" });
    Object.assign(env, { TRUST_PROXY_HOPS: 0 });
    expect(originFrom(forwarded)).toBe("http://10.0.0.5:3000");
    Object.assign(env, { TRUST_PROXY_HOPS: 1 });
    expect(originFrom(forwarded)).toBe("https://certs.example.com");
  });
});

describe("the address certificates point at", () => {
  it("is PUBLIC_URL, else the launcher's choice, else the default: never a request's", () => {
    Object.assign(env, { isPublicUrlSet: false, PUBLIC_URL: "http://localhost:3000", CERTDOOR_LAUNCH_URL: undefined });
    expect(certificatePointerBase()).toEqual({ url: "http://localhost:3000", source: "default" });
    Object.assign(env, { CERTDOOR_LAUNCH_URL: "http://192.0.2.10:3000" });
    expect(certificatePointerBase()).toEqual({ url: "http://192.0.2.10:3000", source: "launcher" });
    Object.assign(env, { isPublicUrlSet: true, PUBLIC_URL: "https://certs.example.com" });
    expect(certificatePointerBase()).toEqual({ url: "https://certs.example.com", source: "PUBLIC_URL" });
  });

  it("takes the launcher's choice only as an origin", () => {
    expect(parseEnv({ CERTDOOR_LAUNCH_URL: "http://192.0.2.10:3000" }).CERTDOOR_LAUNCH_URL).toBe("http://192.0.2.10:3000");
    for (const bad of ["192.0.2.10:3000", "http://x/path", "javascript:alert(1)"]) expect(() => parseEnv({ CERTDOOR_LAUNCH_URL: bad }), bad).toThrow(/CERTDOOR_LAUNCH_URL/);
  });
});
