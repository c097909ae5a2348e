import { frontdoorId, jsonContent, type Json, management, problems, queryParameters, ref, tokenId } from "@/lib/openapi/helpers";
import { listTokensQuerySchema } from "@/lib/validation/tokens";

// The token management paths of the OpenAPI document.

// Request examples: renderers show these rather than values generated from the schemas'
// patterns (a pattern such as ^\P{Cs}*$ comes out as "P{Cs}}}}…" in Swagger UI).
const createExample = {
  name: "Build agent 7",
  commonName: "build-agent-7.ci.example.com",
  organization: "Example Corp",
  organizationalUnit: "CI",
  subjectAltNames: { dns: ["build-agent-7.ci.example.com"], uri: ["spiffe://ci.example.com/agent/7"] },
};
const updateExample = { name: "Build agent 7 (release)", organizationalUnit: "Release" };

const curlCreate = `curl -X POST "$CERTDOOR/frontdoor/$FRONTDOOR_ID/certificate-request-tokens" \\
  -H "Authorization: Bearer $CERTDOOR_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '${JSON.stringify(createExample)}'`;

const csvExample = `name,commonName,organization,organizationalUnit,recipientEmail,expiresAt,validDays,dnsNames,ipAddresses,uris,emails
"Dana Smith, laptop",dana.example.com,"Example Corp",IT,dana@example.com,,365,,,,dana@example.com
Printer 7,printer-7.example.com,Example Corp,Facilities,,,90,printer-7.example.com printer-7.local,10.0.0.7,,
`;

const curlBatch = `curl -X POST "$CERTDOOR/frontdoor/$FRONTDOOR_ID/certificate-request-tokens/batch" \\
  -H "Authorization: Bearer $CERTDOOR_API_KEY" \\
  -H "Content-Type: text/csv" --data-binary @people.csv`;

export const tokenPaths: Record<string, Json> = {
  "/frontdoor/{frontdoorId}/certificate-request-tokens": {
    parameters: [frontdoorId],
    post: {
      tags: ["Tokens"],
      operationId: "createToken",
      summary: "Create a certificate request token",
      description: "Admins, and operators who are members of the Frontdoor. The secret (`token`) is returned only in this response.",
      security: management,
      requestBody: { required: true, content: jsonContent("CreateTokenRequest", createExample) },
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
        { name: "olderThan", in: "query", required: false, schema: { type: "string", example: "P7D" }, description: "ISO 8601 duration (or 7d, 12h) from PT1H to P3650D, else `validation_failed`; default from TOKEN_RETENTION (P7D). Purged tokens' hashes are kept for TOKEN_RETENTION whatever this says" },
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
      description: "With its approvals (who, when, decision, comment) when its Frontdoor requires them.",
      security: management,
      responses: { "200": { description: "The token", content: jsonContent("TokenDetail") }, ...problems(401, 404) },
    },
    patch: {
      tags: ["Tokens"],
      operationId: "updateToken",
      summary: "Change metadata or expiry of an active token",
      description: "An `expiresAt` at or before now expires the token at once.",
      security: management,
      requestBody: { required: true, content: jsonContent("UpdateTokenRequest", updateExample) },
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
  "/frontdoor/{frontdoorId}/certificate-request-tokens/{tokenId}/approvals": {
    parameters: [frontdoorId, tokenId],
    post: {
      tags: ["Tokens"],
      operationId: "answerToken",
      summary: "Approve or reject a token waiting for approval",
      description:
        "For Frontdoors whose `approvals.required` is above 0. Enough approvals by distinct people other than the token's creator make it `active` (`token.approved`); one rejection makes it `rejected` for good (`token.rejected`). Answered by admins and member operators: the creator, a second answer by the same person, an auditor or the CLI get 403 `approval_not_allowed`; a token not `pending_approval` gets 409 `token_not_pending`.",
      security: management,
      requestBody: { required: true, content: jsonContent("ApprovalAnswerRequest", { decision: "approve", comment: "Checked with the team lead" }) },
      responses: { "200": { description: "The token as it now is", content: jsonContent("Token") }, ...problems(400, 401, 403, 404, 409, 413) },
    },
  },
  "/frontdoor/{frontdoorId}/certificate-request-tokens/{tokenId}/rotate": {
    parameters: [frontdoorId, tokenId],
    post: {
      tags: ["Tokens"],
      operationId: "rotateToken",
      summary: "A new link for a lost one",
      description:
        "Gives an active token a new secret; the old one is `token_not_found` from then on. The new secret is returned only here, and emailed again when the token has a `recipientEmail` (see `delivery`).",
      security: management,
      responses: { "200": { description: "The token with its new secret", content: jsonContent("CreatedToken") }, ...problems(401, 403, 404, 409) },
    },
  },
  "/frontdoor/{frontdoorId}/certificate-request-tokens/batch": {
    parameters: [frontdoorId],
    post: {
      tags: ["Tokens"],
      operationId: "createTokenBatch",
      summary: "Create up to 1,000 tokens at once, all or nothing",
      description:
        "JSON `{ \"tokens\": [ <create body>, … ] }` or CSV with the header `name,commonName,organization,organizationalUnit,recipientEmail,expiresAt,validDays,dnsNames,ipAddresses,uris,emails` (any order, only `name` required; RFC 4180 quoting, UTF-8; the last four hold the token's subject alternative names, space-separated). Any invalid row refuses the whole batch; `errors[].path` names each problem (`tokens[3].commonName`, `tokens[3].subjectAltNames.dns[1]`, or `row 4: commonName` / `row 4: dnsNames` where the header is row 1). Links are emailed to rows with a `recipientEmail` when SMTP is configured.",
      security: management,
      requestBody: {
        required: true,
        content: {
          "application/json": { schema: { type: "object", required: ["tokens"], properties: { tokens: { type: "array", minItems: 1, maxItems: 1000, items: ref("CreateTokenRequest") } } } },
          "text/csv": { schema: { type: "string" }, example: csvExample },
        },
      },
      responses: {
        "201": {
          description: "Every token with its secret, in input order (the only time the secrets are returned)",
          content: { "application/json": { schema: { type: "object", properties: { tokens: { type: "array", items: ref("CreatedToken") } } } } },
        },
        ...problems(400, 401, 403, 404, 409, 413),
      },
      "x-codeSamples": [{ lang: "Shell", label: "curl (CSV)", source: curlBatch }],
    },
  },
};
