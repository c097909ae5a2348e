import { frontdoorId, problems, ref } from "@/lib/openapi/helpers";

// The dynamic SCEP challenge in the OpenAPI document: what Jamf Pro's and Kandji's "dynamic
// challenge URL" (NDES style) fetch before each enrolment. The SCEP door itself
// (/scep/{frontdoorId}) speaks CMS, not JSON, and is described with it.

export const scepChallengePaths = {
  "/frontdoor/{frontdoorId}/scep/challenge": {
    parameters: [frontdoorId],
    get: {
      tags: ["Tokens"],
      operationId: "scepChallenge",
      summary: "A fresh one-time SCEP challenge (for MDMs)",
      description:
        "Creates a certificate request token exactly as POST …/certificate-request-tokens does (audited as token.created, announced to webhooks), with the subject left blank, so the certificate's names come from the device's CSR within the Frontdoor's name policy and profile, and an expiry 60 minutes ahead. " +
        "The credential is an API key of an admin or a member operator, as the HTTP Basic password (any user name) or as a bearer; a console session is not accepted. The answer is the token's secret alone, as text, which the device then sends as its SCEP challengePassword.",
      security: [{ apiKeyAsBasic: [] }, { apiKey: [] }],
      responses: {
        "200": { description: "The challenge (the token's secret)", content: { "text/plain": { schema: { type: "string", example: "crt_4XbTq2N8sKp1mZr7Wc9yLd" } } } },
        "401": {
          description: "No API key, or an unknown or revoked one (`unauthenticated`)",
          headers: { "WWW-Authenticate": { schema: { type: "string", example: 'Basic realm="certdoor SCEP challenge", charset="UTF-8"' } } },
          content: { "application/problem+json": { schema: ref("Problem") } },
        },
        ...problems(403, 404, 409),
      },
    },
  },
};
