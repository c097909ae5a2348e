import { z } from "zod";

// Small builders for the OpenAPI document's paths.

export type Json = Record<string, unknown>;

export const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
/** A JSON body of a component schema; an example shows instead of one generated from the schema. */
export const jsonContent = (id: string, example?: Json) => ({ "application/json": { schema: ref(id), ...(example ? { example } : {}) } });

export function problems(...statuses: number[]): Record<string, Json> {
  const text: Record<number, string> = {
    400: "Validation failed (`validation_failed`)",
    401: "No or bad bearer credential (`unauthenticated`)",
    403: "The caller's role does not allow this (`forbidden`)",
    404: "Unknown Frontdoor or token, or one the caller may not see",
    409: "The token is not active, was used already, waits for approval (`token_pending_approval`) or was rejected (`token_rejected`), or TCP shares are disabled",
    410: "The token expired (`token_expired`) or was revoked (`token_revoked`)",
    429: "Too many unknown tokens from this address (`rate_limited`); see Retry-After",
    413: "Body over 64 KiB (`payload_too_large`)",
    503: "The database cannot be reached for a moment (`unavailable`; see Retry-After), or a CA key cannot be reached in its key store, e.g. a PKCS#11 token removed or its PIN changed (`ca_key_unavailable`)",
  };
  // Every door that reads or writes the database may answer 503 while it restarts.
  return Object.fromEntries(
    [...new Set([...statuses, 503])].map((s) => [String(s), { description: text[s] ?? "Error", content: { "application/problem+json": { schema: ref("Problem") } } }]),
  );
}

export function queryParameters(schema: z.ZodObject): Json[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties: Record<string, Json> };
  return Object.entries(json.properties).map(([name, s]) => ({ name, in: "query", required: false, schema: s }));
}

export const frontdoorId = { name: "frontdoorId", in: "path", required: true, schema: { type: "string", format: "uuid" } };
export const tokenId = { name: "tokenId", in: "path", required: true, schema: { type: "string", example: "token-5b0e5a8e-2f7c-4f43-9d8e-2b1f3c4d5e6f" } };
export const management = [{ apiKey: [] }];
export const certId = { name: "certId", in: "path", required: true, schema: { type: "string", example: "cert-0d4b3c2a-1e2f-4a5b-8c9d-0e1f2a3b4c5d" } };

