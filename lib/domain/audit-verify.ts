import { csvRow } from "@/lib/csv";
import { getDb } from "@/lib/db";
import { auditHash } from "@/lib/domain/audit";
import { assertCanReadEverything } from "@/lib/domain/permissions";
import type { Principal } from "@/lib/domain/principal";

// Checking and exporting the audit log. The check walks the chain in id order and
// recomputes each hash from the row and its predecessor's hash: an edited row, a deleted
// row or a reordering shows up as the first event that does not match.

const BATCH = 1000;

export type ChainCheck = { isIntact: true; checked: number } | { isIntact: false; checked: number; brokenAt: string; reason: string };

async function* events(since?: Date) {
  let after = -1n;
  while (true) {
    const rows = await getDb().auditEvent.findMany({
      where: { id: { gt: after }, ...(since ? { at: { gte: since } } : {}) },
      orderBy: { id: "asc" },
      take: BATCH,
    });
    for (const row of rows) yield row;
    if (rows.length < BATCH) return;
    after = rows.at(-1)!.id;
  }
}

/** Recomputes the whole chain (admins, auditors, the CLI). */
export async function verifyAuditChain(principal: Principal): Promise<ChainCheck> {
  assertCanReadEverything(principal);
  let prev: string | null = null;
  let checked = 0;
  for await (const event of events()) {
    if (event.prevHash !== prev) return { isIntact: false, checked, brokenAt: event.id.toString(), reason: "its predecessor is not the event it names (an event was removed or reordered)" };
    if (auditHash(prev, event) !== event.hash) return { isIntact: false, checked, brokenAt: event.id.toString(), reason: "its content does not match its hash (it was edited)" };
    prev = event.hash;
    checked += 1;
  }
  return { isIntact: true, checked };
}

const COLUMNS = ["id", "at", "actorKind", "actorId", "actorLabel", "ip", "userAgent", "action", "frontdoorId", "targetKind", "targetId", "details", "prevHash", "hash"] as const;

/** The audit log as CSV or JSON lines, oldest first, written chunk by chunk. */
export async function exportAuditEvents(principal: Principal, options: { format: "csv" | "jsonl"; since?: Date }, write: (chunk: string) => void): Promise<number> {
  assertCanReadEverything(principal);
  if (options.format === "csv") write(csvRow([...COLUMNS]));
  let n = 0;
  for await (const event of events(options.since)) {
    const plain = { ...event, id: event.id.toString(), at: event.at.toISOString() };
    write(options.format === "csv" ? csvRow(COLUMNS.map((c) => (c === "details" ? JSON.stringify(plain.details) : plain[c]))) : `${JSON.stringify(plain)}\n`);
    n += 1;
  }
  return n;
}
