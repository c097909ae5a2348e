import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { GET } from "./route";

describe("GET /api/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document with every landed endpoint and the error schema", async () => {
    const response = GET();
    expect(response.status).toBe(200);
    const document = await response.json();

    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    // Tests run without PUBLIC_URL: "Try it out" must call the address the guide was opened at, not localhost.
    expect(env.isPublicUrlSet).toBe(false);
    expect(document.servers).toEqual([{ url: "/" }]);

    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        "/frontdoor/{frontdoorId}/certificate-request-tokens",
        "/frontdoor/{frontdoorId}/certificate-request-tokens/{tokenId}",
        "/frontdoor/{frontdoorId}/client-certificates/token/{token}",
        "/frontdoor/{frontdoorId}/client-certificates/token",
        "/frontdoor/{frontdoorId}/client-certificates",
        "/frontdoor/{frontdoorId}/client-certificates/{certId}",
        "/frontdoor/{frontdoorId}/ca.pem",
        "/frontdoor/{frontdoorId}/crl",
        "/.well-known/est/{frontdoorId}/cacerts",
        "/.well-known/est/{frontdoorId}/simpleenroll",
        "/scep/{frontdoorId}",
        "/scep/{frontdoorId}/pkiclient.exe",
        "/api/health",
        "/api/openapi.json",
      ]),
    );
    const tokens = document.paths["/frontdoor/{frontdoorId}/certificate-request-tokens"];
    expect(Object.keys(tokens)).toEqual(expect.arrayContaining(["post", "get", "delete"]));
    expect(Object.keys(document.paths["/frontdoor/{frontdoorId}/certificate-request-tokens/{tokenId}"])).toEqual(
      expect.arrayContaining(["get", "patch", "delete"]),
    );
    const enroll = document.paths["/.well-known/est/{frontdoorId}/simpleenroll"].post;
    expect(Object.keys(enroll.requestBody.content)).toEqual(["application/pkcs10"]);
    expect(enroll.security.map((s: Record<string, unknown>) => Object.keys(s)[0])).toEqual(["tokenAsBasic", "token"]);
    expect(document.components.securitySchemes.tokenAsBasic).toMatchObject({ type: "http", scheme: "basic" });
    expect(document.components.schemas.Problem.properties.code.enum).toEqual(expect.arrayContaining(["token_not_found", "tcp_shares_disabled"]));
  });

  it("derives its schemas from the validation schemas: limits and formats match what the API enforces", async () => {
    const document = await GET().json();
    const create = document.components.schemas.CreateTokenRequest;
    expect(create.required).toEqual(["name"]);
    expect(create.properties.name).toMatchObject({ minLength: 1, maxLength: 128 });
    // No fixed default since profiles: 365, or the Frontdoor's maxValidDays when lower (the description says so).
    expect(create.properties.validDays).toMatchObject({ minimum: 1, maximum: 825, description: expect.stringContaining("365 by default") });
    expect(create.properties.validDays).not.toHaveProperty("default");
    expect(create.properties.expiresAt).toMatchObject({ format: "date-time" });
    const list = document.paths["/frontdoor/{frontdoorId}/certificate-request-tokens"].get.parameters;
    expect(list.map((p: { name: string }) => p.name)).toEqual(["page", "size", "sort", "q", "status"]);
    expect(list.find((p: { name: string }) => p.name === "size").schema).toMatchObject({ minimum: 1, maximum: 100, default: 20 });
    expect(document.components.schemas.CreatedToken.required).toEqual(expect.arrayContaining(["token", "redemptionUrl", "id", "expiresAt"]));
  });
});
