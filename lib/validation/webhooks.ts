import { z } from "zod";

// Webhook registration, shared by the console form, the server action, the REST handler and
// the domain. Event types are named like the audit actions that announce them (the
// database trigger matches them by name).

export const WEBHOOK_EVENT_TYPES = [
  "token.created",
  "token.redeemed",
  "token.redeem_failed",
  "token.revoked",
  "token.rotated",
  "token.approval_requested",
  "token.approved",
  "token.rejected",
  "certificate.issued",
  "certificate.renewed",
  "certificate.revoked",
  "certificate.expiring",
  "ca.expiring",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The console's "Send test event": delivered only to the endpoint it was sent to. */
export const WEBHOOK_TEST_EVENT = "webhook.test";

export const createWebhookSchema = z.object({
  url: z
    .string()
    .trim()
    .min(1, "Enter the endpoint's URL")
    .max(2048, "Use at most 2048 characters")
    .refine((v) => URL.canParse(v), "Enter a full URL, such as https://hooks.example.com/certdoor"),
  events: z
    .array(z.enum(WEBHOOK_EVENT_TYPES, "Unknown event type"))
    .min(1, "Choose at least one event")
    .transform((events) => WEBHOOK_EVENT_TYPES.filter((t) => events.includes(t))),
  description: z
    .string()
    .trim()
    .max(256, "Use at most 256 characters")
    .optional()
    .transform((v) => (v ? v : null)),
});
export type CreateWebhookInput = z.input<typeof createWebhookSchema>;
