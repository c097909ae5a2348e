import { certId, frontdoorId, jsonContent, type Json, management, problems, queryParameters } from "@/lib/openapi/helpers";
import { listCertificatesQuerySchema } from "@/lib/validation/certificates";

// Redemption, certificates, the CA chain and the CRL in the OpenAPI document.

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

export const certificatePaths: Record<string, Json> = {
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
      description: "It appears on its issuing CA's CRL at once. Idempotent; the first reason stands.",
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
      summary: "What a gateway trusts for the Frontdoor's certificates",
      description:
        "Every issuing CA of the Frontdoor in use (the current one first; after a CA rotation also the old one, until the last certificate it issued expires), then their roots: the Frontdoor's own (each Frontdoor is its own trust domain; no other Frontdoor's CA or root is ever in it). Before any rotation: the issuing CA, then the Frontdoor's root. Refetch it after a rotation, or the certificates the new CA signs are refused.",
      responses: { "200": { description: "PEM", content: { "application/x-pem-file": { schema: { type: "string" } } } }, ...problems(404) },
    },
  },
  "/frontdoor/{frontdoorId}/crl": {
    parameters: [frontdoorId],
    get: {
      tags: ["Certificates"],
      operationId: "crl",
      summary: "The Frontdoor's CRLs",
      description:
        "DER by default: the CRL of the Frontdoor's first issuing CA, which `/crl` in every certificate from before a CA rotation names (a CA made by rotation has its own, `/crl/{caId}`). With `format=pem`, what a gateway loads beside `ca.pem`: the CRL of every issuing CA in use, then their roots', for servers that check the whole chain. Served as stored: a new CRL is signed when a certificate is revoked and before the current one nears `nextUpdate`, never by this request. `ETag`, `Last-Modified` and `Cache-Control: max-age` (at most 300 s, never past `nextUpdate`); `If-None-Match` gets 304.",
      parameters: [
        { name: "format", in: "query", required: false, schema: { type: "string", enum: ["der", "pem"] } },
        { name: "If-None-Match", in: "header", required: false, schema: { type: "string" } },
      ],
      responses: {
        "200": {
          description: "The CRL",
          headers: {
            ETag: { schema: { type: "string" } },
            "Last-Modified": { schema: { type: "string" }, description: "The CRL's thisUpdate" },
            "Cache-Control": { schema: { type: "string" } },
          },
          content: { "application/pkix-crl": { schema: { type: "string", contentEncoding: "binary" } }, "application/x-pem-file": { schema: { type: "string" } } },
        },
        "304": { description: "The CRL has not changed since the ETag given in If-None-Match" },
        ...problems(404),
      },
    },
  },
};
