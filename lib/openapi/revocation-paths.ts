import { certificatePaths } from "@/lib/openapi/certificate-paths";
import { frontdoorId, type Json, jsonContent, problems, ref } from "@/lib/openapi/helpers";

// Life after issuing in the OpenAPI document: renewal, and the addresses every issued
// certificate points to (the issuing CA and the OCSP responder in its AIA, the CRL). A
// Frontdoor's first CA has the short addresses; a CA made by rotation has its own.

const caId = { name: "caId", in: "path", required: true, description: "An issuing CA's id, as the certificate's CRL Distribution Point names it", schema: { type: "string", format: "uuid" } };
const der = { "application/pkix-cert": { schema: { type: "string", contentEncoding: "binary" } } };

const ocspResponse = {
  "200": {
    description: "An OCSP response (RFC 6960): successful and signed by the issuing CA, or an unsigned error status such as malformedRequest",
    content: { "application/ocsp-response": { schema: { type: "string", contentEncoding: "binary" } } },
  },
  "429": {
    description: "Over the responder's limit for this address (600 signed answers a minute; answers from the cache cost nothing): `Retry-After`, and as body the unsigned OCSP response `tryLater`",
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
        "No bearer: the current certificate (signed by one of this Frontdoor's issuing CAs, also one retired by a CA rotation; checked cryptographically) and a CSR signed by its key are the credential. The new certificate is signed by the current CA. The new certificate has the same subject, key and lifetime length, a new serial and `renewedFromId`. Allowed once per certificate, in its last `renewalWindowDays` days (Frontdoor setting, default 30; a certificate whose whole life is shorter is inside the window from the start; 0 turns renewal off). Idempotent for the key: asked again to renew a certificate that was renewed before, with a CSR of the same key, it answers 200 with the newest certificate of that line (`certificate_revoked` / `certificate_expired` when that one is revoked or has ended) and issues nothing, so a retry or a replayed old CSR cannot lock the holder out; a CSR of another key is `renewal_key_mismatch`.",
      requestBody: { required: true, content: jsonContent("RenewRequest") },
      responses: {
        "201": { description: "The new certificate (`Location`: its address)", content: jsonContent("ClientCertificate") },
        "200": { description: "Renewed before: the newest certificate of its line, issued earlier (`Content-Location`: its address); nothing new was issued", content: jsonContent("ClientCertificate") },
        ...problems(400, 403, 404, 409, 410),
        "429": { description: "Too many renewals from this address without a certificate of this Frontdoor and its key (`rate_limited`, 30 in 10 minutes); see Retry-After", content: { "application/problem+json": { schema: ref("Problem") } } },
      },
    },
  },
  "/frontdoor/{frontdoorId}/ca.crt": {
    parameters: [frontdoorId],
    get: {
      tags: ["Certificates"],
      operationId: "issuingCaCertificate",
      summary: "The Frontdoor's first issuing CA certificate, DER",
      description: "What the CA Issuers pointer of every certificate from before a CA rotation names. Until a rotation, the Frontdoor's only issuing CA.",
      responses: { "200": { description: "DER", content: der }, ...problems(404) },
    },
  },
  "/frontdoor/{frontdoorId}/ca/{caFile}": {
    parameters: [frontdoorId, { name: "caFile", in: "path", required: true, description: "`<caId>.crt`", schema: { type: "string", pattern: "^[0-9a-f-]{36}\\.crt$" } }],
    get: {
      tags: ["Certificates"],
      operationId: "caCertificate",
      summary: "One issuing CA certificate, DER",
      description: "What the CA Issuers pointer of certificates signed by a CA made by rotation names (`ca_not_found` for an id that is not one of this Frontdoor's CAs).",
      responses: { "200": { description: "DER", content: der }, ...problems(404) },
    },
  },
  "/frontdoor/{frontdoorId}/crl/{caId}": {
    parameters: [frontdoorId, caId],
    get: {
      ...(certificatePaths["/frontdoor/{frontdoorId}/crl"]!.get as Json),
      operationId: "caCrl",
      summary: "One issuing CA's CRL",
      description:
        "What the CRL Distribution Point of certificates signed by a CA made by rotation names. DER by default; with `format=pem`, this CRL followed by its root's. A CA retired by rotation keeps signing it until the last certificate it issued expires.",
    },
  },
  "/frontdoor/{frontdoorId}/ocsp": {
    parameters: [frontdoorId],
    post: {
      tags: ["Certificates"],
      operationId: "ocsp",
      summary: "OCSP responder",
      description: "`good`, `revoked` (time and reason) or `unknown` for each certificate asked about, with thisUpdate and nextUpdate (1 hour); a nonce in the request is echoed. Signed by the issuing CA the request's CertID names: after a CA rotation, the old CA answers for its certificates until the last of them expires (one signer per response: questions about another CA are `unknown`). At most 10 certificates per request and a nonce of 1–32 octets (RFC 8954), else `malformedRequest`, refused before any read or signature. Answers to requests without a nonce may come from the instance's cache for up to a minute; a revocation through that instance clears it.",
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
