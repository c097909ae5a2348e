import { csvRow } from "@/lib/format/csv";
import { getDb } from "@/lib/db";
import { auditHash, canonicalJson } from "@/lib/domain/audit/events";
import { AppError } from "@/lib/domain/errors";
import { macHex } from "@/lib/domain/keys";
import { assertCanReadEverything } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";

// Checking and exporting the audit log. The check walks the sealed chain by position and
// recomputes each keyed hash from the row and its predecessor's hash: an edited row, a
// removed row (a gap in the positions) or a reordering shows up as the first event that
// does not match. Removing the newest events leaves a shorter chain that still verifies,
// so a signed checkpoint (HMAC under a key derived from the master key) records a head;
// verifying against it proves the chain still reaches that head unchanged.

const BATCH = 1000;

export type ChainHead = { seq: string; id: string; hash: string };
export type ChainCheck =
  | { isIntact: true; checked: number; unsealed: number; head: ChainHead | null; checkpoint?: "matches" }
  | { isIntact: false; checked: number; unsealed: number; brokenAt: string; reason: string };

export type Checkpoint = ChainHead & { version: 1; issuedAt: string; mac: string };

async function* sealedEvents() {
  let after = 0n;
  while (true) {
    const rows = await getDb().auditEvent.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: BATCH });
    for (const row of rows) yield row;
    if (rows.length < BATCH) return;
    after = rows.at(-1)!.seq!;
  }
}

const checkpointMac = ({ mac: _mac, ...fields }: Omit<Checkpoint, "mac"> & { mac?: string }) => macHex("audit-checkpoint", canonicalJson(fields));

/** Recomputes the whole sealed chain, optionally against a checkpoint (admins, auditors, the CLI). */
export async function verifyAuditChain(principal: Principal, options: { checkpoint?: unknown } = {}): Promise<ChainCheck> {
  assertCanReadEverything(principal);
  const checkpoint = options.checkpoint === undefined ? undefined : parseCheckpoint(options.checkpoint);
  const unsealed = await getDb().auditEvent.count({ where: { seq: null } });
  let prev: string | null = null;
  let checked = 0;
  let head: ChainHead | null = null;
  let checkpointSeen = false;
  const broken = (id: bigint, reason: string): ChainCheck => ({ isIntact: false, checked, unsealed, brokenAt: id.toString(), reason });
  for await (const event of sealedEvents()) {
    const seq = event.seq!;
    if (seq !== BigInt(checked + 1)) return broken(event.id, `it is at chain position ${seq}, expected ${checked + 1} (an event before it was removed)`);
    if (event.prevHash !== prev) return broken(event.id, "its predecessor is not the event it names (an event was removed or reordered)");
    if (auditHash(seq, prev, event) !== event.hash) return broken(event.id, "its content does not match its hash (it was edited)");
    if (checkpoint && seq.toString() === checkpoint.seq) {
      if (event.hash !== checkpoint.hash || event.id.toString() !== checkpoint.id) return broken(event.id, "it is not the event the checkpoint names (the chain was rewritten)");
      checkpointSeen = true;
    }
    prev = event.hash;
    checked += 1;
    head = { seq: seq.toString(), id: event.id.toString(), hash: event.hash! };
  }
  if (checkpoint && !checkpointSeen) {
    return { isIntact: false, checked, unsealed, brokenAt: checkpoint.id, reason: `the chain ends at position ${checked}, before the checkpoint's position ${checkpoint.seq} (newer events were cut off)` };
  }
  return { isIntact: true, checked, unsealed, head, ...(checkpoint ? { checkpoint: "matches" as const } : {}) };
}

/** A signed record of the chain's newest sealed event, to keep outside the database. */
export async function createCheckpoint(principal: Principal): Promise<Checkpoint> {
  assertCanReadEverything(principal);
  const head = await getDb().auditEvent.findFirst({ where: { seq: { not: null } }, orderBy: { seq: "desc" }, select: { seq: true, id: true, hash: true } });
  if (!head) throw new AppError("validation_failed", "The audit log has no sealed event yet.");
  const fields = { version: 1 as const, seq: head.seq!.toString(), id: head.id.toString(), hash: head.hash!, issuedAt: new Date().toISOString() };
  return { ...fields, mac: checkpointMac(fields) };
}

function parseCheckpoint(value: unknown): Checkpoint {
  const c = value as Partial<Checkpoint> | null;
  const isShaped = c && c.version === 1 && typeof c.seq === "string" && typeof c.id === "string" && typeof c.hash === "string" && typeof c.issuedAt === "string" && typeof c.mac === "string";
  if (!isShaped) throw new AppError("validation_failed", "The checkpoint is not one that `certdoor audit checkpoint` printed.");
  const checkpoint = c as Checkpoint;
  if (checkpointMac(checkpoint) !== checkpoint.mac) throw new AppError("validation_failed", "The checkpoint's signature does not verify: it was altered, or made with another master key.");
  return checkpoint;
}

const COLUMNS = ["id", "at", "actorKind", "actorId", "actorLabel", "ip", "userAgent", "action", "frontdoorId", "targetKind", "targetId", "details", "seq", "prevHash", "hash", "sealedAt"] as const;

async function* eventsById(since?: Date) {
  let after = -1n;
  while (true) {
    const rows = await getDb().auditEvent.findMany({ where: { id: { gt: after }, ...(since ? { at: { gte: since } } : {}) }, orderBy: { id: "asc" }, take: BATCH });
    for (const row of rows) yield row;
    if (rows.length < BATCH) return;
    after = rows.at(-1)!.id;
  }
}

/** The audit log as CSV or JSON lines, oldest first, written chunk by chunk. */
export async function exportAuditEvents(principal: Principal, options: { format: "csv" | "jsonl"; since?: Date }, write: (chunk: string) => void): Promise<number> {
  assertCanReadEverything(principal);
  if (options.format === "csv") write(csvRow([...COLUMNS]));
  let n = 0;
  for await (const event of eventsById(options.since)) {
    const plain = { ...event, id: event.id.toString(), at: event.at.toISOString(), seq: event.seq?.toString() ?? null, sealedAt: event.sealedAt?.toISOString() ?? null };
    write(options.format === "csv" ? csvRow(COLUMNS.map((c) => (c === "details" ? JSON.stringify(plain.details) : plain[c]))) : `${JSON.stringify(plain)}\n`);
    n += 1;
  }
  return n;
}
