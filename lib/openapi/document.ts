import { approvalAnswerSchema } from "@/lib/validation/approvals";
import { z } from "zod";
import { env } from "@/lib/env";
import { certificatePaths } from "@/lib/openapi/certificate-paths";
import { estPaths } from "@/lib/openapi/est-paths";
import { scepPaths } from "@/lib/openapi/scep-paths";
import { scepChallengePaths } from "@/lib/openapi/scep-challenge-paths";
import { frontdoorPaths } from "@/lib/openapi/frontdoor-paths";
import { revocationPaths } from "@/lib/openapi/revocation-paths";
import { servicePaths } from "@/lib/openapi/service-paths";
import { jsonContent, type Json } from "@/lib/openapi/helpers";
import { responseSchemas } from "@/lib/openapi/schemas";
import { tokenPaths } from "@/lib/openapi/token-paths";
import { webhookPaths } from "@/lib/openapi/webhook-paths";
import { previewRequestSchema, redeemRequestSchema, renewRequestSchema, revokeCertificateSchema } from "@/lib/validation/certificates";
import { createFrontdoorSchema, updateFrontdoorSchema } from "@/lib/validation/frontdoors";
import { createTokenSchema, updateTokenSchema } from "@/lib/validation/tokens";

// The OpenAPI 3.1 document, built from the same zod schemas that validate requests and
// describe responses. Paths and their wording live here; no schema is written twice.


/** Request bodies, validated by these very schemas in the domain. */
const requestSchemas = z.registry<{ id: string }>();
requestSchemas.add(createTokenSchema, { id: "CreateTokenRequest" });
requestSchemas.add(updateTokenSchema, { id: "UpdateTokenRequest" });
requestSchemas.add(approvalAnswerSchema, { id: "ApprovalAnswerRequest" });
requestSchemas.add(redeemRequestSchema, { id: "RedeemRequest" });
requestSchemas.add(renewRequestSchema, { id: "RenewRequest" });
requestSchemas.add(revokeCertificateSchema, { id: "RevokeCertificateRequest" });
requestSchemas.add(previewRequestSchema, { id: "PreviewRequest" });
requestSchemas.add(createFrontdoorSchema, { id: "CreateFrontdoorRequest" });
requestSchemas.add(updateFrontdoorSchema, { id: "UpdateFrontdoorRequest" });

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect), cross-references as component $refs. */
function componentSchemas(): Record<string, Json> {
  const uri = (id: string) => `#/components/schemas/${id}`;
  const requests = z.toJSONSchema(requestSchemas, { io: "input", unrepresentable: "any", uri }).schemas;
  const responses = z.toJSONSchema(responseSchemas, { io: "output", unrepresentable: "any", uri }).schemas;
  const all: Record<string, Json> = {};
  for (const [id, schema] of Object.entries({ ...requests, ...responses })) {
    const { $schema: _dialect, $id: _uri, id: _id, ...rest } = schema as Json;
    all[id] = rest;
  }
  return all;
}

export function buildOpenApiDocument(): Json {
  return {
    openapi: "3.1.0",
    info: {
      title: "Certdoor API",
      version: "1.0.0",
      description:
        "Certificate request tokens for Frontdoor gateways. Administrators and automation create single-use, expiring tokens " +
        "carrying pre-approved certificate metadata; the holder redeems a token with a CSR and receives a client certificate. " +
        "Errors are `application/problem+json` with a stable `code`.",
    },
    // Without PUBLIC_URL, "/" is the address the document was fetched from, so the API guide's
    // "Try it out" calls the server it was opened at (and connect-src 'self' allows it).
    servers: [{ url: env.isPublicUrlSet ? env.PUBLIC_URL : "/" }],
    tags: [
      { name: "Tokens", description: "Create, list, change, revoke and purge certificate request tokens" },
      { name: "Redemption", description: "A token and a CSR become a client certificate. The token is the credential." },
      { name: "Certificates", description: "Issued client certificates, the CA chain and the CRL" },
      { name: "Frontdoors", description: "Create a Frontdoor, read and change its settings" },
      { name: "Service", description: "Health and this document" },
    ],
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", bearerFormat: "cdk_…", description: "An API key from the console or `certdoor apikey create`" },
        token: { type: "http", scheme: "bearer", bearerFormat: "crt_…", description: "A certificate request token (single use)" },
        metricsToken: { type: "http", scheme: "bearer", description: "METRICS_TOKEN, for /metrics" },
        tokenAsBasic: { type: "http", scheme: "basic", description: "EST: a certificate request token as the HTTP Basic password, any user name" },
        apiKeyAsBasic: { type: "http", scheme: "basic", description: "An API key (cdk_…) as the HTTP Basic password, any user name: for MDMs' dynamic SCEP challenge URL" },
      },
      schemas: componentSchemas(),
    },
    paths: {
      ...frontdoorPaths,
      ...tokenPaths,
      ...certificatePaths,
      ...revocationPaths,
      ...estPaths,
      ...scepPaths,
      ...scepChallengePaths,
      ...webhookPaths,
      ...servicePaths,
      "/api/health": {
        get: {
          tags: ["Service"],
          operationId: "health",
          summary: "Liveness and database check",
          responses: {
            "200": { description: "The database answers", content: jsonContent("Health") },
            "503": { description: "The database does not answer", content: jsonContent("Health") },
          },
        },
      },
      "/api/openapi.json": {
        get: {
          tags: ["Service"],
          operationId: "openapi",
          summary: "This document",
          responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": { schema: { type: "object" } } } } },
        },
      },
    },
  };
}
