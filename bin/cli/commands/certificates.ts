import { listExpiringCertificates } from "@/lib/domain/certificates";
import { findFrontdoorByIdOrName } from "@/lib/domain/frontdoors";
import { parseDurationMs } from "@/lib/validation/duration";
import { columns, print, UsageError } from "../io";
import { type Command, parse } from "./shared";

export const certificateCommands: Record<string, Command> = {
  "certificates list": {
    usage: "certificates list [--frontdoor ID] [--expiring 30d]",
    async run(args, out, principal) {
      const { values } = parse(args, { frontdoor: { type: "string" }, expiring: { type: "string", default: "30d" } });
      const withinMs = parseDurationMs(values.expiring);
      if (withinMs === null || withinMs <= 0) throw new UsageError("--expiring takes a duration such as 30d, 12h or P30D");
      const frontdoorId = values.frontdoor ? (await findFrontdoorByIdOrName(principal, values.frontdoor)).id : undefined;
      const certificates = await listExpiringCertificates(principal, { frontdoorId, withinMs });
      print(out, certificates, () =>
        certificates.length === 0
          ? `No valid certificate ends within ${values.expiring}.`
          : columns([["ID", "COMMON NAME", "NOT AFTER", "RENEWED BY"], ...certificates.map((c) => [c.id, c.commonName, c.notAfter.toISOString(), c.renewedById ?? "-"])]),
      );
    },
  },
};
