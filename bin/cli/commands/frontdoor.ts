import { createFrontdoor, findFrontdoorByIdOrName, listFrontdoors, setRenewalWindow, setTcpShares } from "@/lib/domain/frontdoors";
import { renewalWindowDaysSchema } from "@/lib/validation/frontdoors";
import { columns, print, UsageError } from "../io";
import { type Command, onOff, parse } from "./shared";

export const frontdoorCommands: Record<string, Command> = {
  "frontdoor create": {
    usage: "frontdoor create --name NAME [--no-tcp-shares]",
    async run(args, out, principal) {
      const { values } = parse(args, { name: { type: "string" }, "no-tcp-shares": { type: "boolean" } });
      if (!values.name) throw new UsageError("--name is required");
      const frontdoor = await createFrontdoor(principal, { name: values.name, tcpSharesEnabled: !values["no-tcp-shares"] });
      print(out, frontdoor, () => `Created Frontdoor ${frontdoor.name}\nid: ${frontdoor.id}\ntcpSharesEnabled: ${frontdoor.tcpSharesEnabled}`);
    },
  },
  "frontdoor list": {
    usage: "frontdoor list",
    async run(args, out, principal) {
      parse(args, {});
      const frontdoors = await listFrontdoors(principal);
      print(out, frontdoors, () =>
        columns([
          ["ID", "NAME", "TCP SHARES", "MEMBERS"],
          ...frontdoors.map((f) => [f.id, f.name, f.tcpSharesEnabled ? "on" : "off", String(f.memberCount)]),
        ]),
      );
    },
  },
  "frontdoor set": {
    usage: "frontdoor set ID [--tcp-shares on|off] [--renewal-window-days N]",
    async run(args, out, principal) {
      const { values, positionals } = parse(args, { "tcp-shares": { type: "string" }, "renewal-window-days": { type: "string" } });
      const idOrName = positionals[0];
      if (!idOrName) throw new UsageError("frontdoor set needs the Frontdoor ID");
      const tcp = values["tcp-shares"];
      const windowText = values["renewal-window-days"];
      if (tcp === undefined && windowText === undefined) throw new UsageError("give --tcp-shares on|off and/or --renewal-window-days N");
      const isEnabled = tcp === undefined ? undefined : onOff(tcp, "--tcp-shares");
      const windowDays = windowText === undefined ? undefined : Number(windowText);
      if (windowDays !== undefined && !renewalWindowDaysSchema.safeParse(windowDays).success) throw new UsageError("--renewal-window-days takes a whole number of days from 0 (renewal off) to 825");
      const { id } = await findFrontdoorByIdOrName(principal, idOrName);
      let frontdoor = isEnabled === undefined ? undefined : await setTcpShares(principal, { frontdoorId: id, tcpSharesEnabled: isEnabled });
      if (windowDays !== undefined) frontdoor = await setRenewalWindow(principal, { frontdoorId: id, renewalWindowDays: windowDays });
      const result = frontdoor!;
      print(out, result, () => `${result.name}: TCP shares ${result.tcpSharesEnabled ? "on" : "off"}, renewal in the last ${result.renewalWindowDays} days${result.renewalWindowDays === 0 ? " (off)" : ""}`);
    },
  },
};
