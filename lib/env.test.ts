import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";

describe("parseEnv", () => {
  it("applies the contract's defaults", () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.PUBLIC_URL).toBe("http://localhost:3000");
    expect(env.ADMIN_EMAIL).toBe("admin@localhost");
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.CERTDOOR_DATA_DIR).toBe("./data");
    expect(env.isOidcConfigured).toBe(false);
  });

  it("derives PUBLIC_URL from PORT and trims a trailing slash", () => {
    expect(parseEnv({ PORT: "8080" }).PUBLIC_URL).toBe("http://localhost:8080");
    expect(parseEnv({ PUBLIC_URL: "https://certs.example.com/" }).PUBLIC_URL).toBe("https://certs.example.com");
  });

  it("treats blank values as unset and needs all three OIDC variables", () => {
    expect(parseEnv({ DATABASE_URL: "  " }).DATABASE_URL).toBeUndefined();
    expect(parseEnv({ OIDC_ISSUER: "https://idp", OIDC_CLIENT_ID: "id" }).isOidcConfigured).toBe(false);
    expect(parseEnv({ OIDC_ISSUER: "https://idp", OIDC_CLIENT_ID: "id", OIDC_CLIENT_SECRET: "s" }).isOidcConfigured).toBe(true);
  });

  it("names the variable that is wrong", () => {
    expect(() => parseEnv({ PORT: "http" })).toThrow(/PORT/);
    expect(() => parseEnv({ ADMIN_EMAIL: "nobody" })).toThrow(/ADMIN_EMAIL/);
    expect(() => parseEnv({ TOKEN_RETENTION: "PT0S" })).toThrow(/TOKEN_RETENTION: Use a duration from 1 hour/);
  });
});
