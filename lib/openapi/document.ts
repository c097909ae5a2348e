import { z } from "zod";
import { env } from "@/lib/env";
import { responseSchemas } from "@/lib/openapi/schemas";
import { listCertificatesQuerySchema, previewRequestSchema, redeemRequestSchema, revokeCertificateSchema } from "@/lib/validation/certificates";
import { createTokenSchema, listTokensQuerySchema, updateTokenSchema } from "@/lib/validation/tokens";

// The OpenAPI 3.1 document, built from the same zod schemas that validate requests and
// describe responses. Paths and their wording live here; no schema is written twice.

type Json = Record<string, unknown>;

/** Request bodies, validated by these very schemas in the domain. */
const requestSchemas = z.registry<{ id: string }>();
requestSchemas.add(createTokenSchema, { id: "CreateTokenRequest" });
requestSchemas.add(updateTokenSchema, { id: "UpdateTokenRequest" });
requestSchemas.add(redeemRequestSchema, { id: "RedeemRequest" });
requestSchemas.add(revokeCertificateSchema, { id: "RevokeCertificateRequest" });
requestSchemas.add(previewRequestSchema, { id: "PreviewRequest" });

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

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const jsonContent = (id: string) => ({ "application/json": { schema: ref(id) } });

function problems(...statuses: number[]): Record<string, Json> {
  const text: Record<number, string> = {
    400: "Validation failed (`validation_failed`)",
    401: "No or bad bearer credential (`unauthenticated`)",
    403: "The caller's role does not allow this (`forbidden`)",
    404: "Unknown Frontdoor or token, or one the caller may not see",
    409: "The token is not active or was used already, or TCP shares are disabled",
    410: "The token expired (`token_expired`) or was revoked (`token_revoked`)",
    429: "Too many unknown tokens from this address (`rate_limited`); see Retry-After",
    413: "Body over 64 KiB (`payload_too_large`)",
  };
  return Object.fromEntries(
    statuses.map((s) => [String(s), { description: text[s] ?? "Error", content: { "application/problem+json": { schema: ref("Problem") } } }]),
  );
}

function queryParameters(schema: z.ZodObject): Json[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties: Record<string, Json> };
  return Object.entries(json.properties).map(([name, s]) => ({ name, in: "query", required: false, schema: s }));
}

const frontdoorId = { name: "frontdoorId", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const tokenId = { name: "tokenId", in: "path", required: true, schema: { type: "string", example: "token-5b0e5a8e-2f7c-4f43-9d8e-2b1f3c4d5e6f" } };
const management = [{ apiKey: [] }];
const certId = { name: "certId", in: "path", required: true, schema: { type: "string", example: "cert-0d4b3c2a-1e2f-4a5b-8c9d-0e1f2a3b4c5d" } };

const curlRedeem = `openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \\
  -keyout key.pem -out req.csr -subj "/CN=build-agent-7"
curl -X POST "$CERTDOOR/frontdoor/$FRONTDOOR_ID/client-certificates/token/$TOKEN" \\
  -H "Content-Type: application/json" \\
  -d "$(jq -n --arg csr "$(cat req.csr)" '{type: "CSR", value: $csr}')"`;

const redeemOperation = (operationId: string, summary: string, description: string, security: Json[]) => ({
  tags: ["Redemption"],
  operationId,
  summary,
  description,
  security,
  requestBody: { required: true, content: jsonContent("RedeemRequest") },
  responses: {
    "201": { description: "The issued client certificate", content: jsonContent("ClientCertificate") },
    ...problems(400, 401, 404, 409, 410, 413, 429),
  },
  "x-codeSamples": [{ lang: "Shell", label: "openssl + curl", source: curlRedeem }],
});

const curlCreate = `curl -X POST "$CERTDOOR/frontdoor/$FRONTDOOR_ID/certificate-request-tokens" \\
  -H "Authorization: Bearer $CERTDOOR_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"name": "Build agent 7", "commonName": "build-agent-7.ci.example.com", "organization": "Example Corp", "organizationalUnit": "CI"}'`;

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
    servers: [{ url: env.PUBLIC_URL }],
    tags: [
      { name: "Tokens", description: "Create, list, change, revoke and purge certificate request tokens" },
      { name: "Redemption", description: "A token and a CSR become a client certificate. The token is the credential." },
      { name: "Certificates", description: "Issued client certificates, the CA chain and the CRL" },
      { name: "Service", description: "Health and this document" },
    ],
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", bearerFormat: "cdk_…", description: "An API key from the console or `certdoor apikey create`" },
        token: { type: "http", scheme: "bearer", bearerFormat: "crt_…", description: "A certificate request token (single use)" },
      },
      schemas: componentSchemas(),
    },
    paths: {
      "/frontdoor/{frontdoorId}/certificate-request-tokens": {
        parameters: [frontdoorId],
        post: {
          tags: ["Tokens"],
          operationId: "createToken",
          summary: "Create a certificate request token",
          description: "Admins, and operators who are members of the Frontdoor. The secret (`token`) is returned only in this response.",
          security: management,
          requestBody: { required: true, content: jsonContent("CreateTokenRequest") },
          responses: { "201": { description: "Created", content: jsonContent("CreatedToken") }, ...problems(400, 401, 403, 404, 409, 413) },
          "x-codeSamples": [{ lang: "Shell", label: "curl", source: curlCreate }],
        },
        get: {
          tags: ["Tokens"],
          operationId: "listTokens",
          summary: "List tokens (never their secrets)",
          security: management,
          parameters: queryParameters(listTokensQuerySchema),
          responses: { "200": { description: "A page of tokens", content: jsonContent("TokenPage") }, ...problems(400, 401, 404) },
        },
        delete: {
          tags: ["Tokens"],
          operationId: "purgeTokens",
          summary: "Purge expired and revoked tokens past the retention",
          description: "Audit events stay. `dryRun=true` only counts what would go.",
          security: management,
          parameters: [
            { name: "status", in: "query", required: true, schema: { type: "string", enum: ["expired"] } },
            { name: "olderThan", in: "query", required: false, schema: { type: "string", example: "P7D" }, description: "ISO 8601 duration; default from TOKEN_RETENTION (P7D)" },
            { name: "dryRun", in: "query", required: false, schema: { type: "boolean" } },
          ],
          responses: {
            "200": {
              description: "How many tokens were deleted (or would be, with dryRun)",
              content: { "application/json": { schema: { oneOf: [ref("PurgeResult"), ref("PurgePreview")] } } },
            },
            ...problems(400, 401, 403, 404),
          },
        },
      },
      "/frontdoor/{frontdoorId}/certificate-request-tokens/{tokenId}": {
        parameters: [frontdoorId, tokenId],
        get: {
          tags: ["Tokens"],
          operationId: "getToken",
          summary: "Get one token",
          security: management,
          responses: { "200": { description: "The token", content: jsonContent("Token") }, ...problems(401, 404) },
        },
        patch: {
          tags: ["Tokens"],
          operationId: "updateToken",
          summary: "Change metadata or expiry of an active token",
          description: "An `expiresAt` at or before now expires the token at once.",
          security: management,
          requestBody: { required: true, content: jsonContent("UpdateTokenRequest") },
          responses: { "200": { description: "The changed token", content: jsonContent("Token") }, ...problems(400, 401, 403, 404, 409, 413) },
        },
        delete: {
          tags: ["Tokens"],
          operationId: "revokeToken",
          summary: "Revoke a token",
          description: "The token can no longer be redeemed; its history stays.",
          security: management,
          responses: { "204": { description: "Revoked" }, ...problems(401, 403, 404, 409) },
        },
      },
      "/frontdoor/{frontdoorId}/client-certificates/token/{token}": {
        parameters: [frontdoorId, { name: "token", in: "path", required: true, schema: { type: "string", example: "crt_4fJ9kQ2mXr7PzN1bTs3eW8vYc6Ha0LdG" } }],
        post: redeemOperation("redeemTokenInPath", "Redeem a token with a CSR", "The token in the path, as in the Frontdoor documentation. No other credential.", []),
      },
      "/frontdoor/{frontdoorId}/client-certificates/token": {
        parameters: [frontdoorId],
        post: redeemOperation("redeemToken", "Redeem a token (sent as Bearer) with a CSR", "The same redemption with the secret kept out of the URL: `Authorization: Bearer crt_…`.", [{ token: [] }]),
      },
      "/api/redeem/preview": {
        post: {
          tags: ["Redemption"],
          operationId: "previewRedemption",
          summary: "Look at a token before redeeming it (the redemption page uses this)",
          description: "Answers the token's pre-approved subject, validity and expiry without consuming it, or the error that stops its redemption. The secret travels in the body.",
          requestBody: { required: true, content: jsonContent("PreviewRequest") },
          responses: {
            "200": { description: "The Frontdoor and the token's metadata", content: jsonContent("RedemptionPreview") },
            ...problems(400, 404, 409, 410, 429),
          },
        },
      },
      "/frontdoor/{frontdoorId}/client-certificates": {
        parameters: [frontdoorId],
        get: {
          tags: ["Certificates"],
          operationId: "listCertificates",
          summary: "List client certificates",
          security: management,
          parameters: queryParameters(listCertificatesQuerySchema),
          responses: { "200": { description: "A page of certificates", content: jsonContent("ClientCertificatePage") }, ...problems(400, 401, 404) },
        },
      },
      "/frontdoor/{frontdoorId}/client-certificates/{certId}": {
        parameters: [frontdoorId, certId],
        get: {
          tags: ["Certificates"],
          operationId: "getCertificate",
          summary: "Get one client certificate",
          security: management,
          responses: { "200": { description: "The certificate", content: jsonContent("ClientCertificate") }, ...problems(401, 404) },
        },
        delete: {
          tags: ["Certificates"],
          operationId: "revokeCertificate",
          summary: "Revoke a client certificate",
          description: "It appears on the Frontdoor's CRL at once. Idempotent; the first reason stands.",
          security: management,
          requestBody: { required: false, content: jsonContent("RevokeCertificateRequest") },
          responses: { "204": { description: "Revoked" }, ...problems(400, 401, 403, 404) },
        },
      },
      "/frontdoor/{frontdoorId}/ca.pem": {
        parameters: [frontdoorId],
        get: {
          tags: ["Certificates"],
          operationId: "caChain",
          summary: "The Frontdoor's CA chain (intermediate, then root)",
          responses: { "200": { description: "PEM", content: { "application/x-pem-file": { schema: { type: "string" } } } }, ...problems(404) },
        },
      },
      "/frontdoor/{frontdoorId}/crl": {
        parameters: [frontdoorId],
        get: {
          tags: ["Certificates"],
          operationId: "crl",
          summary: "The Frontdoor's current CRL",
          description: "DER by default. With `format=pem`, the Frontdoor's CRL followed by the root's, for servers that check the whole chain.",
          parameters: [{ name: "format", in: "query", required: false, schema: { type: "string", enum: ["der", "pem"] } }],
          responses: {
            "200": {
              description: "The CRL",
              content: { "application/pkix-crl": { schema: { type: "string", contentEncoding: "binary" } }, "application/x-pem-file": { schema: { type: "string" } } },
            },
            ...problems(404),
          },
        },
      },
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
