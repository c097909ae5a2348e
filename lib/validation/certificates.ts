import { z } from "zod";
import { REVOCATION_REASONS } from "@/lib/pki/crl";

export const redeemRequestSchema = z.object({
  type: z.string().meta({ description: "Only CSR is supported", example: "CSR" }),
  value: z.string().min(1, "Paste the PEM certificate request").max(60_000).meta({ description: "PKCS#10 CSR, PEM" }),
});
export type RedeemRequest = z.input<typeof redeemRequestSchema>;

export const CERTIFICATE_STATUSES = ["valid", "revoked", "expired"] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export const CERTIFICATE_SORT_FIELDS = ["createdAt", "notAfter", "commonName", "serialNumber"] as const;

export const listCertificatesQuerySchema = z.object({
  page: z.coerce.number().int().min(0).default(0),
  size: z.coerce.number().int().min(1).max(100).default(20),
  sort: z
    .string()
    .default("createdAt,desc")
    .transform((v, ctx) => {
      const [field, direction = "asc"] = v.split(",").map((s) => s.trim());
      if (!CERTIFICATE_SORT_FIELDS.includes(field as never) || !["asc", "desc"].includes(direction.toLowerCase())) {
        ctx.addIssue({ code: "custom", message: `Use field,direction with field one of ${CERTIFICATE_SORT_FIELDS.join(", ")}` });
        return z.NEVER;
      }
      return { field: field as (typeof CERTIFICATE_SORT_FIELDS)[number], direction: direction.toLowerCase() as "asc" | "desc" };
    }),
  status: z.enum(CERTIFICATE_STATUSES).optional().or(z.literal("").transform(() => undefined)),
  q: z.string().trim().max(128).optional(),
});
export type ListCertificatesQuery = z.input<typeof listCertificatesQuerySchema>;

export const revokeCertificateSchema = z
  .object({ reason: z.enum(REVOCATION_REASONS).default("unspecified") })
  .default({ reason: "unspecified" });
export type RevokeCertificateInput = z.input<typeof revokeCertificateSchema>;
