import { getDb } from "@/lib/db";
import { auditHash, type ChainedFields } from "@/lib/domain/audit/events";

// The sealer: one at a time across all instances (a transaction-scoped advisory lock; a
// second sealer skips its round), it takes committed events not yet sealed, in id order,
// and gives each the next chain position and its keyed hash, in one UPDATE per batch.
// An event whose transaction commits late simply gets a later position: the chain's order
// is the order of sealing, and no committed event is left out of it.

const SEALER_LOCK_KEY = 7_734_221;
const BATCH = 2000;

type Unsealed = ChainedFields & { id: bigint };

export type SealRun = { skipped: true } | { skipped: false; sealed: number };

/** One sealing round: seals everything committed so far, unless another sealer is at it. */
export async function sealAuditEvents(): Promise<SealRun> {
  let sealed = 0;
  while (true) {
    const round = await getDb().$transaction(async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${SEALER_LOCK_KEY}) AS locked`;
      if (!lock?.locked) return null;
      const [head] = await tx.$queryRaw<(Unsealed & { seq: bigint; prevHash: string | null; hash: string })[]>`
        SELECT "id", "at", "actorKind"::text AS "actorKind", "actorId", "actorLabel", "ip", "userAgent", "action",
               "frontdoorId"::text AS "frontdoorId", "targetKind", "targetId", "details", "seq", "prevHash", "hash"
          FROM "AuditEvent" WHERE "seq" IS NOT NULL ORDER BY "seq" DESC LIMIT 1`;
      // A process with another master key (a CLI pointed at the wrong installation) must
      // not extend the chain with hashes nobody can verify: the head must verify first.
      if (head && auditHash(head.seq, head.prevHash, head) !== head.hash) throw new ChainKeyMismatch();
      const events = await tx.$queryRaw<Unsealed[]>`
        SELECT "id", "at", "actorKind"::text AS "actorKind", "actorId", "actorLabel", "ip", "userAgent", "action",
               "frontdoorId"::text AS "frontdoorId", "targetKind", "targetId", "details"
          FROM "AuditEvent" WHERE "seq" IS NULL ORDER BY "id" LIMIT ${BATCH}`;
      if (events.length === 0) return 0;
      let seq = head?.seq ?? 0n;
      let prevHash: string | null = head?.hash ?? null;
      const ids: bigint[] = [];
      const seqs: bigint[] = [];
      const prevs: (string | null)[] = [];
      const hashes: string[] = [];
      for (const event of events) {
        seq += 1n;
        const hash = auditHash(seq, prevHash, event);
        ids.push(event.id);
        seqs.push(seq);
        prevs.push(prevHash);
        hashes.push(hash);
        prevHash = hash;
      }
      await tx.$executeRaw`
        UPDATE "AuditEvent" AS e
           SET "seq" = v.seq, "prevHash" = v.prev, "hash" = v.hash, "sealedAt" = now()
          FROM unnest(${ids}::bigint[], ${seqs}::bigint[], ${prevs}::text[], ${hashes}::text[]) AS v(id, seq, prev, hash)
         WHERE e."id" = v.id`;
      return events.length;
    });
    if (round === null) return sealed > 0 ? { skipped: false, sealed } : { skipped: true };
    sealed += round;
    if (round < BATCH) return { skipped: false, sealed };
  }
}

/** The newest sealed event does not verify with this process's key. */
export class ChainKeyMismatch extends Error {
  constructor() {
    super("The audit chain's newest sealed event does not verify with this CERTDOOR_MASTER_KEY: not sealing. Is this the installation's master key?");
  }
}
