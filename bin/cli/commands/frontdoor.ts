import { createFrontdoor, findFrontdoorByIdOrName, listFrontdoors, updateFrontdoor } from "@/lib/domain/frontdoors";
import { updateFrontdoorSchema, type UpdateFrontdoorInput } from "@/lib/validation/frontdoors";
import { keyStoreDriftWarning } from "@/lib/domain/ca/rotate";
import { columns, print, UsageError, warn } from "../io";
import type { Values } from "../options";
import { type Command, defineCommand } from "./shared";
import { describeProfile, profileOptionOf, profileOptions, profileSettingsOf } from "./frontdoor-profile";
import { describeIntune, intuneOptionOf, intuneOptions, intuneSettingsOf } from "./frontdoor-intune";

const setOptions = {
  name: { type: "string", value: "NAME", help: "a new unique name" },
  "tcp-shares": { type: "string", value: "on|off", help: "whether tokens can be created and redeemed", choices: ["on", "off"] },
  "renewal-window-days": { type: "string", value: "N", help: "renewal opens N days before a certificate ends, 0 to 825; 0 turns renewal off" },
  approvals: { type: "string", value: "N", help: "how many people other than a token's creator must approve each new token, 0 to 5; 0 turns approvals off" },
  ...profileOptions,
  ...intuneOptions,
} as const;

/** The options as the settings they change; an option not given changes nothing. */
function settingsOf(values: Values<typeof setOptions>): UpdateFrontdoorInput {
  const windowText = values["renewal-window-days"];
  return {
    name: values.name,
    tcpSharesEnabled: values["tcp-shares"] === undefined ? undefined : values["tcp-shares"] === "on",
    renewalWindowDays: windowText === undefined ? undefined : Number(windowText),
    approvals: values.approvals === undefined ? undefined : { required: Number(values.approvals) },
    ...profileSettingsOf(values),
    ...intuneSettingsOf(values),
  };
}

export const frontdoorCommands: Record<string, Command> = {
  "frontdoor create": defineCommand({
    summary: "Creates a Frontdoor with its own issuing CA and prints it, with its id.",
    options: {
      name: { type: "string", value: "NAME", help: "a unique name", required: true },
      "no-tcp-shares": { type: "boolean", help: "create it with TCP shares disabled (no token can be created or redeemed)" },
    },
    async run({ values }, out, principal) {
      // Created all the same (CA_KEY_STORE decides), but said: this shell may lack the server's CA_KEY_STORE.
      const drift = await keyStoreDriftWarning();
      const frontdoor = await createFrontdoor(principal, { name: values.name, tcpSharesEnabled: !values["no-tcp-shares"] });
      warn(drift);
      print(out, frontdoor, () => `Created Frontdoor ${frontdoor.name}\nid: ${frontdoor.id}\ntcpSharesEnabled: ${frontdoor.tcpSharesEnabled}`);
    },
  }),
  "frontdoor list": defineCommand({
    summary: "Lists every Frontdoor: id, name, TCP shares, members. The REST API takes the id.",
    options: {},
    async run(_input, out, principal) {
      const frontdoors = await listFrontdoors(principal);
      print(out, frontdoors, () =>
        columns([
          ["ID", "NAME", "TCP SHARES", "MEMBERS"],
          ...frontdoors.map((f) => [f.id, f.name, f.tcpSharesEnabled ? "on" : "off", String(f.memberCount)]),
        ]),
      );
    },
  }),
  "frontdoor set": defineCommand({
    summary:
      "Changes a Frontdoor's name, TCP shares, renewal window, approvals, certificate profile, name policy and/or Intune settings (PATCH /frontdoor/{id} does the same). Give at least one option; profile options not given stay as they are.",
    positionals: [{ name: "ID", help: "the Frontdoor's id or name" }],
    options: setOptions,
    check({ values }) {
      // The API's own schema judges the options, so the CLI accepts exactly what PATCH does.
      const result = updateFrontdoorSchema.safeParse(settingsOf(values));
      if (!result.success) {
        const [issue] = result.error.issues;
        const [key, field] = (issue?.path ?? []).map(String);
        const option = key === "profile" ? profileOptionOf[field ?? ""] : key === "scep" ? intuneOptionOf[String(issue?.path[2] ?? "")] : key === "namePolicy" ? "--name-policy" : { name: "--name", tcpSharesEnabled: "--tcp-shares", renewalWindowDays: "--renewal-window-days", approvals: "--approvals" }[key ?? ""];
        const where = key === "namePolicy" ? `${issue!.path.slice(1).join(".")}: ` : "";
        const hint =
          option === "--renewal-window-days" ? "takes a whole number of days from 0 (renewal off) to 825" : option === "--approvals" ? "takes a whole number from 0 (no approval) to 5" : `${where}${issue?.message ?? ""}`;
        throw new UsageError(option ? `frontdoor set: ${option} ${hint}` : "frontdoor set: give at least one option (see certdoor help frontdoor set)", "frontdoor set");
      }
    },
    async run({ values, positionals }, out, principal) {
      const { id } = await findFrontdoorByIdOrName(principal, positionals[0]!);
      const result = await updateFrontdoor(principal, id, settingsOf(values));
      const approvals = result.approvals.required === 0 ? "no approval needed" : `${result.approvals.required} approval${result.approvals.required === 1 ? "" : "s"} per token`;
      print(out, result, () => `${result.name}: TCP shares ${result.tcpSharesEnabled ? "on" : "off"}, renewal in the last ${result.renewalWindowDays} days${result.renewalWindowDays === 0 ? " (off)" : ""}, ${approvals}\n${describeProfile(result)}\n${describeIntune(result.scep.intune)}`);
    },
  }),
};
