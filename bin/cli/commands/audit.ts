import { readFile } from "node:fs/promises";
import { sealAuditEvents } from "@/lib/domain/audit/seal";
import { createCheckpoint, exportAuditEvents, verifyAuditChain } from "@/lib/domain/audit/verify";
import { CliError, print, UsageError } from "../io";
import { type Command, defineCommand } from "./shared";

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
  "audit verify": defineCommand({
    summary: "Checks the audit log's keyed hash chain; exit 1 at the first edited or removed event.",
    options: { checkpoint: { type: "string", value: "FILE", help: "a file `certdoor audit checkpoint` wrote: also proves nothing after its event was cut off" } },
    async run({ values }, out, principal) {
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
  }),
  "audit checkpoint": defineCommand({
    summary: "Prints a signed checkpoint (JSON) of the log's newest event: count, id, hash. Keep it elsewhere; `audit verify --checkpoint` uses it.",
    options: {},
    async run(_input, out, principal) {
      await sealAuditEvents();
      const checkpoint = await createCheckpoint(principal);
      // The checkpoint is JSON either way: it is meant to be saved to a file and kept elsewhere.
      print({ ...out, json: true }, checkpoint, () => "");
    },
  }),
  "audit export": defineCommand({
    summary: "Writes audit events to stdout, oldest first.",
    options: {
      format: { type: "string", value: "FORMAT", help: "CSV or JSON lines", choices: ["csv", "jsonl"], default: "jsonl" },
      since: { type: "string", value: "ISO", help: "only events at or after this ISO 8601 date or time" },
    },
    check({ values }) {
      if (values.since !== undefined && Number.isNaN(new Date(values.since).getTime())) throw new UsageError("audit export: --since takes an ISO 8601 date or time", "audit export");
    },
    async run({ values }, _out, principal) {
      const since = values.since ? new Date(values.since) : undefined;
      await exportAuditEvents(principal, { format: values.format, since }, (chunk) => process.stdout.write(chunk));
    },
  }),
};
