import { userInfo } from "node:os";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { type Principal, systemPrincipal } from "@/lib/domain/principal";
import { type Output, UsageError } from "../io";

// What every command shares: its shape, the CLI's principal, strict flag parsing.

export type Command = {
  usage: string;
  /** false for commands that only talk HTTP (redeem): no database is started or joined. */
  needsDatabase?: boolean;
  /** backup and restore: the database is neither migrated nor sealed first (backup reads it as it is; restore migrates in its own order). */
  takesDatabaseAsIs?: boolean;
  run: (args: string[], out: Output, principal: Principal) => Promise<void>;
};

/** Whoever can run the CLI already holds the database credentials: it acts as the system. */
export const cliPrincipal = (): Principal => systemPrincipal(`cli:${userInfo().username}`);

export function parse<const T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T) {
  try {
    const config = { args, options: { ...options, json: { type: "boolean" } } as const, allowPositionals: true, strict: true } as const;
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function onOff(value: string | undefined, flag: string): boolean {
  if (value === "on") return true;
  if (value === "off") return false;
  throw new UsageError(`${flag} takes on or off`);
}
