import { frontdoorId, type Json, problems } from "@/lib/openapi/helpers";

// EST enrollment (RFC 7030) in the OpenAPI document: redemption in EST's wire format.
// Bodies are base64 (RFC 7030 §4, Content-Transfer-Encoding: base64) and failures are
// plain text `code: detail`, with the same statuses as the JSON doors.

const base64Body = (mediaType: string, description: string) => ({ [mediaType]: { schema: { type: "string", contentEncoding: "base64", description } } });

/** The JSON doors' failure wording, answered as plain text (EST's and SCEP's medium). */
export function textFailures(...statuses: number[]): Record<string, Json> {
  return Object.fromEntries(
    Object.entries(problems(...statuses)).map(([status, response]) => [
      status,
      { description: response.description, content: { "text/plain": { schema: { type: "string", example: "token_already_used: This token was redeemed already; tokens are single-use. Ask for a new one." } } } },
    ]),
  );
}

export const estPaths = {
  "/.well-known/est/{frontdoorId}/cacerts": {
    parameters: [frontdoorId],
    get: {
      tags: ["Certificates"],
      operationId: "estCaCerts",
      summary: "EST: the Frontdoor's CA chain",
      description: "RFC 7030 §4.1: a certs-only PKCS#7 (CMS SignedData without signers) holding the issuing CA, then the Frontdoor's root; the same certificates as `ca.pem`. Public.",
      responses: {
        "200": { description: "base64 of the DER PKCS#7", content: base64Body("application/pkcs7-mime", "certs-only PKCS#7, DER, base64") },
        ...textFailures(404),
      },
    },
  },
  "/.well-known/est/{frontdoorId}/simpleenroll": {
    parameters: [frontdoorId],
    post: {
      tags: ["Redemption"],
      operationId: "estSimpleEnroll",
      summary: "EST: redeem a token with a PKCS#10",
      description:
        "RFC 7030 §4.2: the token is the credential, as the HTTP Basic password (any user name) or `Authorization: Bearer crt_…`. Same rules and single use as the other redemption doors: the subject comes from the token, not the request. Without a credential: 401 with `WWW-Authenticate: Basic`. The body may also be a PEM request.",
      security: [{ tokenAsBasic: [] }, { token: [] }],
      requestBody: { required: true, content: base64Body("application/pkcs10", "PKCS#10 certificate request, DER, base64 (line breaks allowed)") },
      responses: {
        "200": { description: "The issued certificate in a certs-only PKCS#7, base64 of the DER", content: base64Body("application/pkcs7-mime; smime-type=certs-only", "certs-only PKCS#7, DER, base64") },
        ...textFailures(400, 404, 409, 410, 413, 429),
        "401": {
          description: "No token (`unauthenticated`); EST clients send it after this challenge",
          headers: { "WWW-Authenticate": { schema: { type: "string", example: 'Basic realm="certdoor EST"' } } },
          content: { "text/plain": { schema: { type: "string" } } },
        },
      },
    },
  },
};
