import { z } from "zod";

// `certdoor ca csr` / `ca import` and the Frontdoor page's enterprise-root forms: one schema
// for both doors. What a DN or a certificate means is the domain's to judge (lib/pki); these
// only bound what reaches it.

export const caRequestSchema = z
  .object({
    subject: z
      .string()
      .trim()
      .max(512, "At most 512 characters")
      .optional()
      .transform((value) => (value === "" ? undefined : value))
      .meta({ description: "The issuing CA's distinguished name (RFC 4514, CN required); default: like the Frontdoor's own issuing CAs" }),
  })
  .strict();
export type CaRequestInput = z.input<typeof caRequestSchema>;

const PEM_LIMIT = 256 * 1024;
const pemText = (what: string) => z.string().max(PEM_LIMIT, `At most ${PEM_LIMIT / 1024} KiB`).meta({ description: what });

export const caImportSchema = z
  .object({
    certificatePem: pemText("The issuing CA certificate the enterprise CA signed, PEM (a chain after it is taken as part of --chain)").refine((v) => v.includes("-----BEGIN CERTIFICATE-----"), "Paste or upload the signed certificate (PEM, -----BEGIN CERTIFICATE-----)"),
    chainPem: pemText("The certificates above it, PEM, up to and with the self-signed root").optional(),
  })
  .strict();
export type CaImportInput = z.input<typeof caImportSchema>;
