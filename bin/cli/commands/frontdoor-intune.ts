import { readFileSync } from "node:fs";
import type { UpdateFrontdoorInput } from "@/lib/validation/frontdoors";
import { UsageError } from "../io";

// `certdoor frontdoor set`'s Intune options, as the PATCH body's `scep.intune`. The client
// secret is read from a file, never taken on the command line, where process listings and
// shell history would keep it.

export const intuneOptions = {
  "intune-tenant": { type: "string", value: "ID", help: "Intune: the Entra ID tenant (directory id or domain)" },
  "intune-client": { type: "string", value: "ID", help: "Intune: the app registration's application (client) id" },
  "intune-secret-file": { type: "string", value: "FILE", help: "Intune: a file holding the app's client secret (sealed under the master key; left out: the stored one stays)" },
  "no-intune": { type: "boolean", help: "remove the Frontdoor's Intune settings" },
} as const;

type IntuneValues = { "intune-tenant"?: string; "intune-client"?: string; "intune-secret-file"?: string; "no-intune"?: boolean };

/** The PATCH body's option for each field the schema may complain about. */
export const intuneOptionOf: Record<string, string> = { tenantId: "--intune-tenant", clientId: "--intune-client", clientSecret: "--intune-secret-file" };

function readSecret(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new UsageError(`frontdoor set: --intune-secret-file cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, "frontdoor set");
  }
}

/** `scep.intune` as the options ask: null with --no-intune, the settings when any Intune option is given. */
export function intuneSettingsOf(values: IntuneValues): Pick<UpdateFrontdoorInput, "scep"> {
  const given = values["intune-tenant"] !== undefined || values["intune-client"] !== undefined || values["intune-secret-file"] !== undefined;
  if (values["no-intune"]) {
    if (given) throw new UsageError("frontdoor set: --no-intune cannot go with other --intune options", "frontdoor set");
    return { scep: { intune: null } };
  }
  if (!given) return {};
  const secretFile = values["intune-secret-file"];
  return { scep: { intune: { tenantId: values["intune-tenant"] ?? "", clientId: values["intune-client"] ?? "", clientSecret: secretFile === undefined ? undefined : readSecret(secretFile) } } };
}

/** One line for the command's text output. */
export const describeIntune = (intune: { tenantId: string; clientId: string } | null) => (intune ? `Intune: tenant ${intune.tenantId}, client ${intune.clientId}, client secret set` : "Intune: not set up");
