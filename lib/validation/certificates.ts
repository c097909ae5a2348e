import { z } from "zod";
import { REVOCATION_REASONS } from "@/lib/pki/crl";
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

export const listCertificatesQuerySchema = pageQuerySchema(CERTIFICATE_SORT_FIELDS).extend({ status: statusFilter(CERTIFICATE_STATUSES) });
export type ListCertificatesQuery = z.input<typeof listCertificatesQuerySchema>;

export const revokeCertificateSchema = z
  .object({ reason: z.enum(REVOCATION_REASONS).default("unspecified") })
  .default({ reason: "unspecified" });
export type RevokeCertificateInput = z.input<typeof revokeCertificateSchema>;
