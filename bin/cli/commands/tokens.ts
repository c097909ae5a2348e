import { findFrontdoorByIdOrName } from "@/lib/domain/frontdoors";
import { purgeTokens } from "@/lib/domain/tokens";
import { env } from "@/lib/env";
import { RETENTION_BOUNDS_MESSAGE } from "@/lib/validation/duration";
import { retentionSchema } from "@/lib/validation/tokens";
import { print, UsageError } from "../io";
import { type Command, defineCommand } from "./shared";

export const tokenCommands: Record<string, Command> = {
  "tokens purge": defineCommand({
    summary: "Deletes expired and revoked tokens past the retention (audit events stay). The server also purges on a schedule.",
    options: {
      frontdoor: { type: "string", value: "ID", help: "only this Frontdoor (id or name); every Frontdoor when left out" },
      "older-than": { type: "string", value: "DURATION", help: "the retention, 1h to 10 years, e.g. 7d, 12h or P7D (default TOKEN_RETENTION, P7D); purged tokens' hashes stay for TOKEN_RETENTION whatever this says" },
    },
    check({ values }) {
      if (values["older-than"] !== undefined && !retentionSchema.safeParse(values["older-than"]).success) throw new UsageError(`tokens purge: --older-than: ${RETENTION_BOUNDS_MESSAGE}`, "tokens purge");
    },
    async run({ values }, out, principal) {
      const retentionMs = retentionSchema.parse(values["older-than"] ?? env.TOKEN_RETENTION);
      const frontdoorId = values.frontdoor ? (await findFrontdoorByIdOrName(principal, values.frontdoor)).id : undefined;
      const result = await purgeTokens(principal, { frontdoorId, retentionMs });
      print(out, result, () => `Deleted ${result.deleted} expired or revoked token${result.deleted === 1 ? "" : "s"}.`);
    },
  }),
};
