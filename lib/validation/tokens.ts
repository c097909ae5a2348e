import { z } from "zod";
import { TOKEN_STATUSES } from "@/lib/domain/tokens/status";
import { printable } from "@/lib/validation/common";
import { isRetentionMs, parseDurationMs, RETENTION_BOUNDS_MESSAGE } from "@/lib/validation/duration";
import { pageQuerySchema, statusFilter } from "@/lib/validation/paging";
import { subjectAltNamesSchema } from "@/lib/validation/subject-alt-names";

// One set of schemas for the console form, the server actions, the REST handlers, the CLI
// and the OpenAPI document.

export const MAX_TOKEN_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
export const DEFAULT_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** Clock skew allowed between a client that computed "now + 30 days" and this server. */
const LIFETIME_SLACK_MS = 5 * 60 * 1000;

// Printable text only: these values become X.509 subject attributes.
const subjectField = printable(z.string().trim().max(64, "Use at most 64 characters"))
  .nullish()
  .transform((v) => (v ? v : null));

const tokenName = printable(z.string().trim().min(1, "Enter a name").max(128, "Use at most 128 characters"));

/** Who receives the link; an empty value means nobody. */
const recipientEmail = z
  .string()
  .trim()
  .max(254, "Use at most 254 characters")
  .pipe(z.union([z.literal(""), z.email("Enter an email address, e.g. dana@example.com")]))
  .nullish()
  .transform((v) => (v ? v : null))
  .meta({ description: "Who receives the redemption link by email (when SMTP is configured)", example: "dana@example.com" });

const isoDateTime = z.iso.datetime({ offset: true, message: "Use an ISO 8601 date-time, e.g. 2026-12-01T12:00:00Z" });

/** A certificate's lifetime in days (the CA/Browser Forum's old 825-day ceiling). */
export const validDaysSchema = z.number().int("Use a whole number of days").min(1).max(825);
const validDays = validDaysSchema;

/**
 * The token's SANs. A wildcard DNS name is well-formed here; whether the Frontdoor takes it
 * is its profile's `allowWildcards`, which the domain applies (lib/domain/names/enforce.ts
 * parses again with it: the schema is idempotent, so parsing twice is safe).
 */
export const tokenSubjectAltNamesSchema = subjectAltNamesSchema({ allowWildcards: true }).meta({
  description: "Subject alternative names the certificate will carry, exactly; each list at most 20 values. Replaces all of them on PATCH ({} removes them).",
  example: { dns: ["build-agent-7.ci.example.com"], ip: ["10.0.0.7"], uri: ["spiffe://ci.example.com/agent/7"], email: ["ci@example.com"] },
});

const notTooFar = (value: string) => new Date(value).getTime() <= Date.now() + MAX_TOKEN_LIFETIME_MS + LIFETIME_SLACK_MS;

export const createTokenSchema = z.object({
  name: tokenName,
  commonName: subjectField,
  organization: subjectField,
  organizationalUnit: subjectField,
  expiresAt: isoDateTime
    .refine((v) => new Date(v).getTime() > Date.now(), "Must be in the future")
    .refine(notTooFar, "Must be at most 30 days ahead")
    .optional(),
  // No default here: it is 365, or the Frontdoor's maxValidDays when lower (names/enforce.ts validDaysUnder).
  validDays: validDays.optional().meta({ description: "Days the certificate is valid: 365 by default, or the Frontdoor profile's maxValidDays when that is lower" }),
  recipientEmail,
  subjectAltNames: tokenSubjectAltNamesSchema.default({}),
});
export type CreateTokenInput = z.input<typeof createTokenSchema>;

export const updateTokenSchema = z
  .object({
    name: tokenName.optional(),
    commonName: subjectField.optional(),
    organization: subjectField.optional(),
    organizationalUnit: subjectField.optional(),
    /** At or before now: the token expires at once. */
    expiresAt: isoDateTime.refine(notTooFar, "Must be at most 30 days ahead").optional(),
    validDays: validDays.optional(),
    recipientEmail: recipientEmail.optional(),
    subjectAltNames: tokenSubjectAltNamesSchema.optional(),
  })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), "Change at least one field");
export type UpdateTokenInput = z.input<typeof updateTokenSchema>;

export const TOKEN_SORT_FIELDS = ["createdAt", "expiresAt", "name", "redeemedAt", "commonName"] as const;

export const listTokensQuerySchema = pageQuerySchema(TOKEN_SORT_FIELDS).extend({ status: statusFilter(TOKEN_STATUSES) });
export type ListTokensQuery = z.input<typeof listTokensQuerySchema>;

/** A purge's retention (REST olderThan, CLI --older-than, TOKEN_RETENTION), in milliseconds. */
export const retentionSchema = z
  .string()
  .refine((v) => isRetentionMs(parseDurationMs(v)), RETENTION_BOUNDS_MESSAGE)
  .transform((v) => parseDurationMs(v)!);

export const purgeTokensQuerySchema = z.object({
  status: z.literal("expired", { message: "Only status=expired can be purged" }),
  olderThan: retentionSchema.optional(),
});
