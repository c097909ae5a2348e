import { createHash } from "node:crypto";
import pg from "pg";
import { getPool } from "@/lib/db";
import { env } from "@/lib/env";
import { Prisma } from "@/lib/generated/prisma/client";

// The statements a fleet hammers (a redemption's read and its claim, a token's creation) run
// on the process's pg pool directly, as named prepared statements: PostgreSQL parses and
// plans each once per connection, and no ORM layer sits between the door and the wire
// (issue 24). They are still written as Prisma.sql templates, whose text and values are used
// as they are; everything else stays on Prisma. Values and results are converted exactly as
// @prisma/adapter-pg converts them, so a row reads the same either way: a Date is sent as
// its UTC "YYYY-MM-DD HH:MM:SS.mmm" (every such value carries a cast), a `timestamp` column
// comes back as that UTC instant, and int8 as a bigint.

const pad = (n: number, z = 2) => String(n).padStart(z, "0");

/** @prisma/adapter-pg's formatDateTime. */
function prismaDateTime(date: Date): string {
  const ms = date.getUTCMilliseconds();
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${ms ? `.${String(ms).padStart(3, "0")}` : ""}`;
}

const toParameter = (value: unknown): unknown => (value instanceof Date ? prismaDateTime(value) : value);

const TIMESTAMP = 1114;
const INT8 = 20;
/** pg's parsers, but `timestamp` as UTC and int8 as bigint, as Prisma reads them. */
const prismaTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMP) return (value: string) => new Date(`${value.replace(" ", "T")}Z`);
    if (oid === INT8) return (value: string) => BigInt(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** Statement names by text: one per shape of statement (a handful), bounded all the same. */
const names = new Map<string, string>();
const MAX_NAMES = 64;

function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (!name && names.size < MAX_NAMES) {
    name = `certdoor_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * The result types whose conversion above is Prisma's (text, uuid, bool, int2/4/8, timestamp,
 * timestamptz, json, jsonb, text[], uuid[]). Anything else (numeric, date, arrays of dates,
 * …) would read differently from $queryRaw, so a hot statement returning it is refused
 * rather than silently changed: add its parser (and a case in hot-query.int.test.ts) first.
 */
const CONVERTED = new Set([25, 1043, 1042, 19, 2950, 16, 21, 23, INT8, TIMESTAMP, 1184, 114, 3802, 1009, 2951]);

/** PostgreSQL's answer when a migration changed a prepared statement's result type under it; it plans afresh on the next run. */
const isStalePlan = (error: unknown) => (error as { code?: string } | null)?.code === "0A000" && /cached plan must not change result type/.test(String((error as Error).message));

/** Runs a hot statement as a named prepared statement on the pool (unnamed when DATABASE_PREPARED_STATEMENTS=off); the rows as $queryRaw would return them. */
export async function runHot<T = unknown>(sql: Prisma.Sql): Promise<T> {
  const text = sql.text;
  const query = { name: env.DATABASE_PREPARED_STATEMENTS === "off" ? undefined : nameOf(text), text, values: sql.values.map(toParameter), types: prismaTypes } as pg.QueryConfig;
  // A rolling deploy's migration may change a column's type under a prepared statement: once more, then it holds.
  const result = await getPool().query(query).catch((error: unknown) => (isStalePlan(error) ? getPool().query(query) : Promise.reject(error)));
  const unconverted = result.fields.find((field) => !CONVERTED.has(field.dataTypeID));
  if (unconverted) throw new Error(`hotQuery does not read column "${unconverted.name}" (type ${unconverted.dataTypeID}) as $queryRaw does; add its conversion in lib/db/hot-query.ts`);
  return result.rows as T;
}

/** `getDb().$queryRaw` for a hot statement, tag and all: hotQuery<Row[]>`SELECT …`. */
export function hotQuery<T = unknown>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T> {
  return runHot<T>(Prisma.sql(strings, ...values));
}
