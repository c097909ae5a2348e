import { userInfo } from "node:os";
import { type Principal, systemPrincipal } from "@/lib/domain/access/principal";

// What the database commands share: the CLI's principal. The command shape and the
// parser are in ../options.ts.

export { type Command, defineCommand } from "../options";

/** Whoever can run the CLI already holds the database credentials: it acts as the system. */
export const cliPrincipal = (): Principal => systemPrincipal(`cli:${userInfo().username}`);

