import { getDb, type Tx } from "@/lib/db";
import { isAppError } from "@/lib/domain/errors";
import { type FrontdoorRules, rulesOf } from "@/lib/domain/names/enforce";
import { Prisma } from "@/lib/generated/prisma/client";

// Token creation is one statement (STYLE "hot paths"), yet its names are checked in code
// against the Frontdoor's policy. So the check runs against the rules this process saw last,
// and the insert happens only while the stored profile and policy are still exactly those
// (a jsonb equality in the insert's WHERE): a cache that can make creation retry, never
// make it wrong. No bound on staleness is needed for that; the map is bounded in size.

type Seen = { rules: FrontdoorRules; guard: Prisma.Sql };

const seen = new Map<string, Seen>();
const MAX_FRONTDOORS = 1_000;

type Stored = { profile: unknown; namePolicy: unknown };

/** The rules of a Frontdoor, read now (locked FOR SHARE inside a transaction, so a change waits), or null when it does not exist. */
export async function readFrontdoorRules(frontdoorId: string, tx?: Tx): Promise<FrontdoorRules | null> {
  const lock = tx ? Prisma.sql`FOR SHARE` : Prisma.empty;
  const [row] = await (tx ?? getDb()).$queryRaw<Stored[]>`SELECT "profile", "namePolicy" FROM "Frontdoor" WHERE "id" = ${frontdoorId}::uuid ${lock}`;
  if (!row) return null;
  remember(frontdoorId, row);
  return rulesOf(row);
}

function remember(frontdoorId: string, row: Stored): Seen {
  const entry = {
    rules: rulesOf(row),
    guard: Prisma.sql`"profile" = ${JSON.stringify(row.profile)}::jsonb AND "namePolicy" = ${JSON.stringify(row.namePolicy)}::jsonb`,
  };
  if (seen.size >= MAX_FRONTDOORS) seen.clear();
  seen.set(frontdoorId, entry);
  return entry;
}

/**
 * Checks a write against the Frontdoor's rules and runs it under their guard: `check`
 * throws for what the rules refuse, `write` puts `guard` in the WHERE of its Frontdoor read
 * and answers null when that read found no row. A pass under the rules this process
 * remembers is confirmed by the guard; a refusal, or a guard that no longer holds, is
 * decided again on the rules read now. A null from there (no Frontdoor, TCP shares off) is
 * the caller's to explain.
 */
export async function underFrontdoorRules<T>(frontdoorId: string, check: (rules: FrontdoorRules) => void, write: (guard: Prisma.Sql) => Promise<T | null>): Promise<T | null> {
  const known = seen.get(frontdoorId);
  let isWrittenUnderKnown = false;
  if (known && passes(check, known.rules)) {
    const written = await write(known.guard);
    if (written !== null) return written;
    isWrittenUnderKnown = true;
  }
  const rules = await readFrontdoorRules(frontdoorId);
  if (!rules) return write(Prisma.sql`false`);
  // rulesOf hands out one object per stored profile and policy: the same object, nothing changed.
  if (isWrittenUnderKnown && rules === known!.rules) return null;
  check(rules);
  return write(seen.get(frontdoorId)!.guard);
}

/** Whether the rules let the write through (a refusal is an AppError; anything else is a bug and propagates). */
function passes(check: (rules: FrontdoorRules) => void, rules: FrontdoorRules): boolean {
  try {
    check(rules);
    return true;
  } catch (error) {
    if (isAppError(error)) return false;
    throw error;
  }
}
