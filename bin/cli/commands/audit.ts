import { readFile } from "node:fs/promises";
import { sealAuditEvents } from "@/lib/domain/audit-seal";
import { createCheckpoint, exportAuditEvents, verifyAuditChain } from "@/lib/domain/audit-verify";
import { CliError, print, UsageError } from "../io";
import { type Command, parse } from "./shared";

async function readCheckpoint(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UsageError(`cannot read the checkpoint file ${file}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not JSON; give the file \`certdoor audit checkpoint --json\` wrote`);
  }
}

export const auditCommands: Record<string, Command> = {
  "audit verify": {
    usage: "audit verify [--checkpoint FILE]",
    async run(args, out, principal) {
      const { values } = parse(args, { checkpoint: { type: "string" } });
      const checkpoint = values.checkpoint ? await readCheckpoint(values.checkpoint) : undefined;
      const result = await verifyAuditChain(principal, { checkpoint });
      if (!result.isIntact) {
        if (out.json) print(out, result, () => "");
        throw new CliError("audit_chain_broken", `The audit log's chain breaks at event ${result.brokenAt}: ${result.reason}. ${result.checked} events before it are intact.`);
      }
      const pending = result.unsealed > 0 ? ` ${result.unsealed} newer events are not sealed yet (the server seals every second).` : "";
      const anchored = result.checkpoint ? " It still reaches the checkpoint's event unchanged." : "";
      print(out, result, () => `The audit log is intact: ${result.checked} sealed events, every keyed hash matches.${anchored}${pending}`);
    },
  },
  "audit checkpoint": {
    usage: "audit checkpoint",
    async run(args, out, principal) {
      parse(args, {});
      await sealAuditEvents();
      const checkpoint = await createCheckpoint(principal);
      // The checkpoint is JSON either way: it is meant to be saved to a file and kept elsewhere.
      print({ ...out, json: true }, checkpoint, () => "");
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
