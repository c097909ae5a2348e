import { z } from "zod";
import { frontdoorId, type Json, management, problems } from "@/lib/openapi/helpers";
import { WEBHOOK_MAX_ATTEMPTS } from "@/lib/domain/webhooks/jobs";
import { DELIVERY_TIMEOUT_MS } from "@/lib/domain/webhooks/network";
import { createWebhookSchema, WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT } from "@/lib/validation/webhooks";

// Webhooks in the OpenAPI document: the management paths, and in the descriptions what a
// receiver gets (Standard Webhooks headers and body) and how to verify it.

const webhookId = { name: "webhookId", in: "path", required: true, schema: { type: "string", example: "wh-3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b" } };
const dateTime = { type: "string", format: "date-time" };
const nullable = (schema: Json) => ({ oneOf: [schema, { type: "null" }] });

const webhook: Json = {
  type: "object",
  required: ["id", "frontdoorId", "url", "events", "enabled", "createdAt"],
  properties: {
    id: { type: "string", example: webhookId.schema.example },
    frontdoorId: { type: "string", format: "uuid" },
    url: { type: "string", format: "uri" },
    description: nullable({ type: "string" }),
    events: { type: "array", items: { type: "string", enum: [...WEBHOOK_EVENT_TYPES] } },
    enabled: { type: "boolean", description: "false once every delivery failed for 24 hours (or more); `disabledReason` says why" },
    createdAt: dateTime,
    failingSince: nullable({ ...dateTime, description: "The first failed attempt since the last success" }),
    disabledAt: nullable(dateTime),
    disabledReason: nullable({ type: "string" }),
  },
};

const delivery: Json = {
  type: "object",
  properties: {
    id: { type: "string" },
    eventId: { type: "string", example: "msg_4211", description: "The `webhook-id` header the receiver got; the same on every attempt and redelivery" },
    type: { type: "string", example: "certificate.issued" },
    attempt: { type: "integer", minimum: 1, maximum: WEBHOOK_MAX_ATTEMPTS, description: `1 to ${WEBHOOK_MAX_ATTEMPTS} over 24 hours; a redelivery starts again at 1` },
    statusCode: nullable({ type: "integer", minimum: 100, maximum: 599, description: "null when there was no answer (refused target, timeout, connection error)" }),
    latencyMs: { type: "integer", minimum: 0, maximum: DELIVERY_TIMEOUT_MS, description: "Until the answer, or the 10 s timeout" },
    responseSnippet: nullable({ type: "string", maxLength: 500 }),
    error: nullable({ type: "string" }),
    createdAt: dateTime,
  },
};

const receiving = [
  "Each event is a `POST` of `{ \"type\", \"timestamp\", \"data\" }` with the Standard Webhooks headers `webhook-id` (`msg_…`, stable across retries: deduplicate on it),",
  "`webhook-timestamp` (seconds) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 over `{id}.{timestamp}.{body}`, keyed with the secret's base64 part after `whsec_`).",
  "`data` carries ids, the Frontdoor id, subject fields, serial and dates; never a token secret.",
  "A non-2xx answer or no answer within 10 s is retried with exponential backoff for 24 hours; an endpoint failing for 24 hours is disabled.",
  `Event types: ${WEBHOOK_EVENT_TYPES.map((t) => `\`${t}\``).join(", ")}; the console's test button sends \`${WEBHOOK_TEST_EVENT}\`.`,
  "URLs must be https:// to a public address (checked at registration and, against DNS rebinding, at every delivery) unless the server runs with WEBHOOK_ALLOW_PRIVATE_NETWORKS=true.",
].join(" ");

export const webhookPaths: Record<string, Json> = {
  "/frontdoor/{frontdoorId}/webhooks": {
    parameters: [frontdoorId],
    post: {
      tags: ["Webhooks"],
      operationId: "createWebhook",
      summary: "Register an endpoint for some of the Frontdoor's events",
      description: `Admins. The signing secret (\`secret\`, \`whsec_…\`) is returned only in this response. ${receiving}`,
      security: management,
      requestBody: { required: true, content: { "application/json": { schema: z.toJSONSchema(createWebhookSchema, { io: "input", unrepresentable: "any" }) } } },
      responses: {
        "201": {
          description: "Registered",
          content: { "application/json": { schema: { allOf: [webhook, { type: "object", required: ["secret"], properties: { secret: { type: "string", example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" } } }] } } },
        },
        ...problems(400, 401, 403, 404),
      },
    },
    get: {
      tags: ["Webhooks"],
      operationId: "listWebhooks",
      summary: "The Frontdoor's endpoints, without secrets",
      description: "Admins and auditors.",
      security: management,
      responses: { "200": { description: "Endpoints, oldest first", content: { "application/json": { schema: { type: "array", items: webhook } } } }, ...problems(401, 403, 404) },
    },
  },
  "/frontdoor/{frontdoorId}/webhooks/{webhookId}": {
    parameters: [frontdoorId, webhookId],
    delete: {
      tags: ["Webhooks"],
      operationId: "deleteWebhook",
      summary: "Remove an endpoint and its delivery log",
      description: "Admins. Deliveries still queued for it are dropped.",
      security: management,
      responses: { "204": { description: "Removed" }, ...problems(401, 403, 404) },
    },
  },
  "/frontdoor/{frontdoorId}/webhooks/{webhookId}/deliveries": {
    parameters: [frontdoorId, webhookId],
    get: {
      tags: ["Webhooks"],
      operationId: "listWebhookDeliveries",
      summary: "Recent delivery attempts, newest first",
      description: "Admins and auditors. The last 100 attempts; the log keeps 30 days and at most 1,000 attempts per endpoint.",
      security: management,
      responses: { "200": { description: "Attempts", content: { "application/json": { schema: { type: "array", items: delivery } } } }, ...problems(401, 403, 404) },
    },
  },
};
