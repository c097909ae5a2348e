import { z } from "zod";

// A Frontdoor's SCEP settings as PATCH /frontdoor/{id}, the console and `certdoor frontdoor
// set` give them. The tenant goes into the sign-in URL's path, so it is a directory id (a
// GUID) or a verified domain name, nothing that could change the URL's shape.

const TENANT = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+)$/i;

export const intuneSettingsSchema = z
  .object({
    tenantId: z.string().trim().max(253).regex(TENANT, "Use the directory (tenant) id, a GUID, or a domain such as contoso.onmicrosoft.com").meta({ description: "Entra ID directory (tenant) id or domain" }),
    clientId: z.string().trim().uuid("Use the application (client) id, a GUID").meta({ description: "Application (client) id of the Entra ID app registration" }),
    clientSecret: z
      .string()
      .min(1, "Give the client secret's value")
      .max(1024)
      .regex(/^[^\u0000-\u001f\u007f]*$/, "No control characters")
      .optional()
      .meta({ description: "Write-only; sealed under the master key and never read back. Leave out to keep the stored one" }),
  })
  .strict();
export type IntuneSettingsInput = z.input<typeof intuneSettingsSchema>;

export const scepSettingsPatchSchema = z
  .object({
    intune: intuneSettingsSchema.nullable().optional().meta({ description: "Microsoft Intune validation; null removes it" }),
  })
  .strict();
