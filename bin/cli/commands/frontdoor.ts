import { createFrontdoor, findFrontdoorByIdOrName, listFrontdoors, setTcpShares } from "@/lib/domain/frontdoors";
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
    usage: "frontdoor set ID --tcp-shares on|off",
    async run(args, out, principal) {
      const { values, positionals } = parse(args, { "tcp-shares": { type: "string" } });
      const idOrName = positionals[0];
      if (!idOrName) throw new UsageError("frontdoor set needs the Frontdoor ID");
      if (values["tcp-shares"] === undefined) throw new UsageError("--tcp-shares on|off is required");
      const isEnabled = onOff(values["tcp-shares"], "--tcp-shares");
      const { id } = await findFrontdoorByIdOrName(principal, idOrName);
      const frontdoor = await setTcpShares(principal, { frontdoorId: id, tcpSharesEnabled: isEnabled });
      print(out, frontdoor, () => `TCP shares ${frontdoor.tcpSharesEnabled ? "enabled" : "disabled"} on ${frontdoor.name}`);
    },
  },
};
