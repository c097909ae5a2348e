import { frontdoorId, jsonContent, problems } from "@/lib/openapi/helpers";

// Life after issuing in the OpenAPI document: renewal, and the addresses every issued
// certificate points to (the issuing CA and the OCSP responder in its AIA).

const ocspResponse = {
  "200": {
    description: "An OCSP response (RFC 6960): successful and signed by the issuing CA, or an unsigned error status such as malformedRequest",
    content: { "application/ocsp-response": { schema: { type: "string", contentEncoding: "binary" } } },
  },
  ...problems(404),
};

export const revocationPaths = {
  "/frontdoor/{frontdoorId}/client-certificates/renew": {
    parameters: [frontdoorId],
    post: {
      tags: ["Certificates"],
      operationId: "renewCertificate",
      summary: "Renew a certificate with its own key",
      description:
        "No bearer: the current certificate (signed by this Frontdoor's CA, checked cryptographically) and a CSR signed by its key are the credential. The new certificate has the same subject, key and lifetime length, a new serial and `renewedFromId`. Allowed once per certificate, in its last `renewalWindowDays` days (Frontdoor setting, default 30; a certificate whose whole life is shorter is inside the window from the start; 0 turns renewal off).",
      requestBody: { required: true, content: jsonContent("RenewRequest") },
      responses: { "201": { description: "The new certificate", content: jsonContent("ClientCertificate") }, ...problems(400, 403, 404, 409, 410) },
    },
  },
  "/frontdoor/{frontdoorId}/ca.crt": {
    parameters: [frontdoorId],
    get: {
      tags: ["Certificates"],
      operationId: "issuingCaCertificate",
      summary: "The Frontdoor's issuing CA certificate, DER",
      responses: { "200": { description: "DER", content: { "application/pkix-cert": { schema: { type: "string", contentEncoding: "binary" } } } }, ...problems(404) },
    },
  },
  "/frontdoor/{frontdoorId}/ocsp": {
    parameters: [frontdoorId],
    post: {
      tags: ["Certificates"],
      operationId: "ocsp",
      summary: "OCSP responder",
      description: "`good`, `revoked` (time and reason) or `unknown` for each certificate asked about, with thisUpdate and nextUpdate (1 hour); a nonce in the request is echoed.",
      requestBody: { required: true, content: { "application/ocsp-request": { schema: { type: "string", contentEncoding: "binary" } } } },
      responses: ocspResponse,
    },
  },
  "/frontdoor/{frontdoorId}/ocsp/{request}": {
    parameters: [frontdoorId, { name: "request", in: "path", required: true, description: "The DER OCSP request, base64 and URL-encoded (RFC 5019)", schema: { type: "string" } }],
    get: {
      tags: ["Certificates"],
      operationId: "ocspGet",
      summary: "OCSP responder, GET form",
      description: "As the POST form; answers without a nonce carry `Cache-Control: max-age` (at most 300 s), `ETag`, `Last-Modified` and `Expires`.",
      responses: ocspResponse,
    },
  },
};
