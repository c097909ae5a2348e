import { z } from "zod";
import { REVOCATION_REASONS } from "@/lib/pki/crl";
import { parseDurationMs } from "@/lib/validation/duration";
import { pageQuerySchema, statusFilter } from "@/lib/validation/paging";

export const redeemRequestSchema = z.object({
  type: z.string().meta({ description: "Only CSR is supported", example: "CSR" }),
  value: z.string().min(1, "Paste the PEM certificate request").max(60_000).meta({ description: "PKCS#10 CSR, PEM" }),
});
export type RedeemRequest = z.input<typeof redeemRequestSchema>;

/** Renewal: a CSR signed by the current key, and the current certificate. */
export const renewRequestSchema = redeemRequestSchema.extend({
  certificate: z.string().min(1, "Paste the current certificate (PEM)").max(20_000).meta({ description: "The current certificate, PEM" }),
});

/** The redemption page's look at a token: the secret in a body, never in a URL. */
export const previewRequestSchema = z.object({ frontdoorId: z.string().max(64), token: z.string().max(256) });

export const CERTIFICATE_STATUSES = ["valid", "revoked", "expired"] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export const CERTIFICATE_SORT_FIELDS = ["createdAt", "notAfter", "commonName", "serialNumber"] as const;

const MAX_EXPIRING_MS = 825 * 86_400_000;

/** "Ends within": a duration (30d, P30D) up to the longest certificate lifetime; empty means no filter. */
const expiringWithin = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx) => {
    if (!value) return undefined;
    const ms = parseDurationMs(value);
    if (ms === null || ms <= 0 || ms > MAX_EXPIRING_MS) {
      ctx.addIssue({ code: "custom", message: "Use a duration such as 30d or P30D, at most 825 days" });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ description: "Only valid certificates ending within this duration (30d, P30D)", example: "P30D" });

/** Renewed or not; empty means either. */
const renewedFilter = z
  .enum(["true", "false", ""])
  .optional()
  .transform((value) => (value === "true" ? true : value === "false" ? false : undefined))
  .meta({ description: "true: only certificates that were renewed; false: only ones not renewed" });

export const listCertificatesQuerySchema = pageQuerySchema(CERTIFICATE_SORT_FIELDS).extend({
  status: statusFilter(CERTIFICATE_STATUSES),
  expiringWithin,
  renewed: renewedFilter,
});
export type ListCertificatesQuery = z.input<typeof listCertificatesQuerySchema>;

export const revokeCertificateSchema = z
  .object({ reason: z.enum(REVOCATION_REASONS).default("unspecified") })
  .default({ reason: "unspecified" });
export type RevokeCertificateInput = z.input<typeof revokeCertificateSchema>;
