import { exportAuditEvents, verifyAuditChain } from "@/lib/domain/audit-verify";
import { CliError, print, UsageError } from "../io";
import { type Command, parse } from "./shared";

export const auditCommands: Record<string, Command> = {
  "audit verify": {
    usage: "audit verify",
    async run(args, out, principal) {
      parse(args, {});
      const result = await verifyAuditChain(principal);
      if (!result.isIntact) {
        if (out.json) print(out, result, () => "");
        throw new CliError("audit_chain_broken", `The audit log's hash chain breaks at event ${result.brokenAt}: ${result.reason}. ${result.checked} events before it are intact.`);
      }
      print(out, result, () => `The audit log is intact: ${result.checked} events, every hash matches.`);
    },
  },
  "audit export": {
    usage: "audit export [--format csv|jsonl] [--since ISO]",
    async run(args, _out, principal) {
      const { values } = parse(args, { format: { type: "string", default: "jsonl" }, since: { type: "string" } });
      if (values.format !== "csv" && values.format !== "jsonl") throw new UsageError("--format takes csv or jsonl");
      const since = values.since ? new Date(values.since) : undefined;
      if (since && Number.isNaN(since.getTime())) throw new UsageError("--since takes an ISO 8601 date or time");
      await exportAuditEvents(principal, { format: values.format, since }, (chunk) => process.stdout.write(chunk));
    },
  },
};
