import { listExpiringCertificates } from "@/lib/domain/certificates";
import { findFrontdoorByIdOrName } from "@/lib/domain/frontdoors";
import { parseDurationMs } from "@/lib/validation/duration";
import { columns, print, UsageError } from "../io";
import { type Command, defineCommand } from "./shared";

const within = (text: string) => {
  const ms = parseDurationMs(text);
  return ms !== null && ms > 0 ? ms : null;
};

export const certificateCommands: Record<string, Command> = {
  "certificates list": defineCommand({
    summary: "Lists the valid certificates that end within the given time, soonest first, and which were renewed already.",
    options: {
      frontdoor: { type: "string", value: "ID", help: "only this Frontdoor (id or name)" },
      expiring: { type: "string", value: "DURATION", help: "ending within this time, e.g. 30d, 12h or P30D", default: "30d" },
    },
    check({ values }) {
      if (within(values.expiring) === null) throw new UsageError("certificates list: --expiring takes a duration such as 30d, 12h or P30D", "certificates list");
    },
    async run({ values }, out, principal) {
      const frontdoorId = values.frontdoor ? (await findFrontdoorByIdOrName(principal, values.frontdoor)).id : undefined;
      const certificates = await listExpiringCertificates(principal, { frontdoorId, withinMs: within(values.expiring)! });
      print(out, certificates, () =>
        certificates.length === 0
          ? `No valid certificate ends within ${values.expiring}.`
          : columns([["ID", "COMMON NAME", "NOT AFTER", "RENEWED BY"], ...certificates.map((c) => [c.id, c.commonName, c.notAfter.toISOString(), c.renewedById ?? "-"])]),
      );
    },
  }),
};
