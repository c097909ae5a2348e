import { readFileSync } from "node:fs";
import type { UpdateFrontdoorInput } from "@/lib/validation/frontdoors";
import { UsageError } from "../io";

// `certdoor frontdoor set`'s profile and name policy options, as the PATCH body's `profile`
// and `namePolicy`: the same schema judges them (frontdoor.ts), so the CLI takes what the API takes.

export const profileOptions = {
  eku: { type: "string", value: "LIST", help: "extended key usages, comma-separated: clientAuth (always), serverAuth, emailProtection or dotted OIDs" },
  "key-types": { type: "string", value: "LIST", help: "key types accepted, comma-separated: EC-P256, EC-P384, RSA-2048, RSA-3072, RSA-4096" },
  "max-valid-days": { type: "string", value: "N", help: "the most validDays a token may ask for, 1 to 825" },
  "allow-csr-sans": { type: "string", value: "on|off", help: "use a CSR's SANs when the token has none (each checked against the name policy)", choices: ["on", "off"] },
  "allow-wildcards": { type: "string", value: "on|off", help: "allow *.example.com in dns SANs", choices: ["on", "off"] },
  "name-policy": { type: "string", value: "FILE", help: 'a JSON file with the whole name policy, e.g. {"allow":{"dns":["*.ci.example.com"]}}; {} allows every name' },
} as const;

type ProfileValues = { [K in keyof typeof profileOptions]?: string };

/** The PATCH body's option for each path the schema may complain about. */
export const profileOptionOf: Record<string, string> = {
  extendedKeyUsage: "--eku",
  keyTypes: "--key-types",
  maxValidDays: "--max-valid-days",
  allowCsrSubjectAltNames: "--allow-csr-sans",
  allowWildcards: "--allow-wildcards",
};

const list = (text: string | undefined) => text?.split(",").map((item) => item.trim()).filter(Boolean);
const onOff = (text: string | undefined) => (text === undefined ? undefined : text === "on");

/** A JSON file's contents; a file that cannot be read or parsed is a wrong invocation (exit 2). */
function readPolicy(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`frontdoor set: --name-policy cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, "frontdoor set");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`frontdoor set: --name-policy ${file} is not JSON: ${(error as Error).message}`, "frontdoor set");
  }
}

/** The profile and policy the options ask for; options not given change nothing. */
export function profileSettingsOf(values: ProfileValues): Pick<UpdateFrontdoorInput, "profile" | "namePolicy"> {
  const maxText = values["max-valid-days"];
  const profile = {
    extendedKeyUsage: list(values.eku),
    keyTypes: list(values["key-types"]) as NonNullable<UpdateFrontdoorInput["profile"]>["keyTypes"],
    maxValidDays: maxText === undefined ? undefined : /^\d+$/.test(maxText) ? Number(maxText) : NaN,
    allowCsrSubjectAltNames: onOff(values["allow-csr-sans"]),
    allowWildcards: onOff(values["allow-wildcards"]),
  };
  const given = Object.fromEntries(Object.entries(profile).filter(([, value]) => value !== undefined));
  return {
    profile: Object.keys(given).length ? given : undefined,
    namePolicy: values["name-policy"] === undefined ? undefined : (readPolicy(values["name-policy"]) as UpdateFrontdoorInput["namePolicy"]),
  };
}

/** One line per profile field and the policy, for the text output. */
export function describeProfile(frontdoor: { profile: Record<string, unknown>; namePolicy: object }): string {
  const fields = Object.entries(frontdoor.profile).map(([key, value]) => `  ${key}: ${Array.isArray(value) ? value.join(", ") : String(value)}`);
  return ["profile:", ...fields, `namePolicy: ${JSON.stringify(frontdoor.namePolicy)}`].join("\n");
}
