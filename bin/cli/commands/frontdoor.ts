import { createFrontdoor, findFrontdoorByIdOrName, listFrontdoors, setRenewalWindow, setTcpShares } from "@/lib/domain/frontdoors";
import { renewalWindowDaysSchema } from "@/lib/validation/frontdoors";
import { columns, print, UsageError } from "../io";
import { type Command, defineCommand } from "./shared";

export const frontdoorCommands: Record<string, Command> = {
  "frontdoor create": defineCommand({
    summary: "Creates a Frontdoor with its own issuing CA and prints it, with its id.",
    options: {
      name: { type: "string", value: "NAME", help: "a unique name", required: true },
      "no-tcp-shares": { type: "boolean", help: "create it with TCP shares disabled (no token can be created or redeemed)" },
    },
    async run({ values }, out, principal) {
      const frontdoor = await createFrontdoor(principal, { name: values.name, tcpSharesEnabled: !values["no-tcp-shares"] });
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
    summary: "Switches a Frontdoor's TCP shares and/or sets its renewal window. Give at least one of the two options.",
    positionals: [{ name: "ID", help: "the Frontdoor's id or name" }],
    options: {
      "tcp-shares": { type: "string", value: "on|off", help: "whether tokens can be created and redeemed", choices: ["on", "off"] },
      "renewal-window-days": { type: "string", value: "N", help: "renewal opens N days before a certificate ends, 0 to 825; 0 turns renewal off" },
    },
    check({ values }) {
      const windowText = values["renewal-window-days"];
      if (values["tcp-shares"] === undefined && windowText === undefined) throw new UsageError("frontdoor set: give --tcp-shares on|off and/or --renewal-window-days N", "frontdoor set");
      if (windowText !== undefined && !renewalWindowDaysSchema.safeParse(Number(windowText)).success) throw new UsageError("frontdoor set: --renewal-window-days takes a whole number of days from 0 (renewal off) to 825", "frontdoor set");
    },
    async run({ values, positionals }, out, principal) {
      const tcp = values["tcp-shares"];
      const windowText = values["renewal-window-days"];
      const windowDays = windowText === undefined ? undefined : Number(windowText);
      const { id } = await findFrontdoorByIdOrName(principal, positionals[0]!);
      let frontdoor = tcp === undefined ? undefined : await setTcpShares(principal, { frontdoorId: id, tcpSharesEnabled: tcp === "on" });
      if (windowDays !== undefined) frontdoor = await setRenewalWindow(principal, { frontdoorId: id, renewalWindowDays: windowDays });
      const result = frontdoor!;
      print(out, result, () => `${result.name}: TCP shares ${result.tcpSharesEnabled ? "on" : "off"}, renewal in the last ${result.renewalWindowDays} days${result.renewalWindowDays === 0 ? " (off)" : ""}`);
    },
  }),
};
