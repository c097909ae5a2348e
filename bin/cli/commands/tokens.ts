import { findFrontdoorByIdOrName } from "@/lib/domain/frontdoors";
import { purgeTokens } from "@/lib/domain/tokens";
import { env } from "@/lib/env";
import { print, UsageError } from "../io";
import { type Command, parse } from "./shared";
import { retentionSchema } from "@/lib/validation/tokens";

export const tokenCommands: Record<string, Command> = {
  "tokens purge": {
    usage: "tokens purge [--frontdoor ID] [--older-than 7d]",
    async run(args, out, principal) {
      const { values } = parse(args, { frontdoor: { type: "string" }, "older-than": { type: "string" } });
      const retention = retentionSchema.safeParse(values["older-than"] ?? env.TOKEN_RETENTION);
      if (!retention.success) throw new UsageError("--older-than takes a duration such as 7d, 12h or P7D");
      const frontdoorId = values.frontdoor ? (await findFrontdoorByIdOrName(principal, values.frontdoor)).id : undefined;
      const result = await purgeTokens(principal, { frontdoorId, retentionMs: retention.data });
      print(out, result, () => `Deleted ${result.deleted} expired or revoked token${result.deleted === 1 ? "" : "s"}.`);
    },
  },
};
