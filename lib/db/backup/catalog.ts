import type pg from "pg";

// What backup and restore read from PostgreSQL's catalog: the tables the migrations made, in
// the schema they made them in (the connection's current schema), their columns, foreign keys,
// sequences and triggers. Reading the catalog instead of a list keeps a table added by a later
// migration in every backup without anyone remembering to add it here.

export const MIGRATIONS_TABLE = "_prisma_migrations";

/**
 * Left out of backups: rate-limiter-flexible's counters. UNLOGGED (PostgreSQL itself empties
 * them after a crash), each expiring within minutes; restoring them would only carry a
 * lockout over to the restored installation.
 */
export const SKIPPED_TABLES = ["RateLimit"];

/**
 * Both ends of a backup talk in PostgreSQL's text forms under these settings, so a value
 * reads back as the same value on any server: UTC offsets, ISO dates, hex bytea, and floats
 * with every digit.
 */
export const TEXT_FORM_SETTINGS =
  "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET bytea_output = 'hex'; SET extra_float_digits = 3; SET client_encoding = 'UTF8'";

/**
 * `type` as declared (with its length or precision); `castType` without them, for restore's
 * casts. format_type(…, -1), not NULL: with NULL, character(64) comes back as "character",
 * which means character(1) in a cast.
 */
export type Column = { name: string; type: string; castType: string };
export type Table = { name: string; columns: Column[]; primaryKey: string[] };
export type ForeignKey = { name: string; table: string; references: string; isDeferrable: boolean; isDeferred: boolean };
export type Trigger = { name: string; table: string; enabled: string };
export type MigrationRecord = { name: string; checksum: string };

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

const SCHEMA = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())";

/** Every table of the schema (generated columns left out: PostgreSQL computes them again). */
export async function listTables(client: pg.ClientBase): Promise<Table[]> {
  const { rows } = await client.query<Table>(`
    SELECT c.relname AS name,
           (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
                                              'castType', format_type(a.atttypid, -1)) ORDER BY a.attnum)
              FROM pg_attribute a
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '') AS columns,
           COALESCE((SELECT json_agg(a.attname ORDER BY array_position(i.indkey::int2[], a.attnum))
                       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
                      WHERE i.indrelid = c.oid AND i.indisprimary), '[]') AS "primaryKey"
      FROM pg_class c
     WHERE c.relnamespace = ${SCHEMA} AND c.relkind IN ('r', 'p') AND NOT c.relispartition
     ORDER BY c.relname`);
  return rows;
}

/** The tables a backup holds: all but the migration log (restore rebuilds it) and the skipped ones. */
export const isBackedUp = (table: string) => table !== MIGRATIONS_TABLE && !SKIPPED_TABLES.includes(table);

export async function listForeignKeys(client: pg.ClientBase): Promise<ForeignKey[]> {
  const { rows } = await client.query<ForeignKey>(`
    SELECT con.conname AS name, c.relname AS "table", r.relname AS "references",
           con.condeferrable AS "isDeferrable", con.condeferred AS "isDeferred"
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid
      JOIN pg_class r ON r.oid = con.confrelid
     WHERE con.contype = 'f' AND c.relnamespace = ${SCHEMA}
     ORDER BY c.relname, con.conname`);
  return rows;
}

/** User triggers that fire (enabled: O origin, A always, R replica). */
export async function listEnabledTriggers(client: pg.ClientBase): Promise<Trigger[]> {
  const { rows } = await client.query<Trigger>(`
    SELECT t.tgname AS name, c.relname AS "table", t.tgenabled AS enabled
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND c.relnamespace = ${SCHEMA}
     ORDER BY c.relname, t.tgname`);
  return rows;
}

export async function listSequences(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(`SELECT relname AS name FROM pg_class WHERE relkind = 'S' AND relnamespace = ${SCHEMA} ORDER BY relname`);
  return rows.map((r) => r.name);
}

/** The migrations applied and not rolled back, in the order they ran ([] without the log). */
export async function appliedMigrations(client: pg.ClientBase): Promise<MigrationRecord[]> {
  const { rows: exists } = await client.query<{ present: boolean }>(`SELECT to_regclass('${quoteIdent(MIGRATIONS_TABLE)}') IS NOT NULL AS present`);
  if (!exists[0]?.present) return [];
  const { rows } = await client.query<MigrationRecord>(`
    SELECT migration_name AS name, checksum FROM ${quoteIdent(MIGRATIONS_TABLE)}
     WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL
     ORDER BY started_at, migration_name`);
  return rows;
}

/**
 * Tables ordered so each comes after the tables it references, ties by name. A table in a
 * reference cycle (or referencing itself) cannot be placed so; restore defers those keys.
 */
export function dependencyOrder(tables: string[], keys: ForeignKey[]): string[] {
  const remaining = new Set(tables);
  const ordered: string[] = [];
  const needs = (table: string) => keys.filter((k) => k.table === table && k.references !== table && remaining.has(k.references));
  while (remaining.size > 0) {
    const ready = [...remaining].filter((t) => needs(t).length === 0).sort();
    // A cycle: take the rest by name; their keys are checked at the end of the load instead.
    const next = ready.length > 0 ? ready : [...remaining].sort();
    for (const table of next) {
      ordered.push(table);
      remaining.delete(table);
    }
  }
  return ordered;
}
