import { userInfo } from "node:os";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { createFrontdoor, findFrontdoorByIdOrName, listFrontdoors, setTcpShares } from "@/lib/domain/frontdoors";
import { type Principal, systemPrincipal } from "@/lib/domain/principal";
import { createUser } from "@/lib/domain/users";
import { columns, type Output, print, UsageError } from "./io";

// The administrative commands. Each parses its flags, calls the domain with the CLI's
// principal (whoever can run this command already holds the database credentials) and
// prints the result.

export type Command = {
  usage: string;
  run: (args: string[], out: Output, principal: Principal) => Promise<void>;
};

export const cliPrincipal = (): Principal => systemPrincipal(`cli:${userInfo().username}`);

function parse<const T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T) {
  try {
    const config = { args, options: { ...options, json: { type: "boolean" } } as const, allowPositionals: true, strict: true } as const;
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function onOff(value: string | undefined, flag: string): boolean {
  if (value === "on") return true;
  if (value === "off") return false;
  throw new UsageError(`${flag} takes on or off`);
}

export const commands: Record<string, Command> = {
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
  "user create": {
    usage: "user create --email EMAIL --role admin|operator|auditor [--password P] [--frontdoor ID…]",
    async run(args, out, principal) {
      const { values } = parse(args, {
        email: { type: "string" },
        role: { type: "string" },
        password: { type: "string" },
        name: { type: "string" },
        frontdoor: { type: "string", multiple: true },
      });
      if (!values.email) throw new UsageError("--email is required");
      if (!values.role) throw new UsageError("--role is required (admin, operator or auditor)");
      const frontdoorIds: string[] = [];
      for (const ref of values.frontdoor ?? []) frontdoorIds.push((await findFrontdoorByIdOrName(principal, ref)).id);
      const { user, generatedPassword } = await createUser(principal, {
        email: values.email,
        role: values.role as "admin",
        name: values.name,
        password: values.password,
        frontdoorIds,
      });
      print(out, { ...user, ...(generatedPassword ? { password: generatedPassword } : {}) }, () =>
        [
          `Created ${user.role} ${user.email} (${user.id})`,
          user.frontdoors.length ? `Frontdoors: ${user.frontdoors.map((f) => f.name).join(", ")}` : "",
          generatedPassword ? `Password: ${generatedPassword}   (shown only now)` : "",
        ]
          .filter(Boolean)
          .join("\n"),
      );
    },
  },
};
