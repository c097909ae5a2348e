import type pg from "pg";
import { type ForeignKey, isBackedUp, listEnabledTriggers, listForeignKeys, listTables, quoteIdent, type Table, type Trigger } from "@/lib/db/backup/catalog";
import { BackupError, type BackupHeader, readBackup, type Row, type Section } from "@/lib/db/backup/format";
import { queueJobs } from "@/lib/db/backup/jobs";

// Loading a backup into a database already migrated to the backup's schema, in ONE
// transaction: a failure anywhere (a damaged file found late, a constraint, a lost
// connection) leaves the database as empty as it was. Inside it:
// - the tables are locked against writers, and checked empty again under the lock;
// - the user triggers of the loaded tables are off. The rows are what triggers already made
//   at the source; fired again, AuditEvent's would queue every restored event's webhook
//   deliveries anew. ALTER TABLE … DISABLE TRIGGER needs only table ownership, unlike
//   session_replication_role (superuser), so it works on managed PostgreSQL too;
// - foreign keys the file's order cannot satisfy (a certificate naming the one it renews,
//   which may come later) are deferred to the end of the load, when all rows are there.
// Everything toggled is set back before COMMIT, and the counts are compared with the header.

const ENABLE = { O: "ENABLE TRIGGER", A: "ENABLE ALWAYS TRIGGER", R: "ENABLE REPLICA TRIGGER" } as Record<string, string>;

/** Each loaded table's row count, for the tables that have rows. */
export async function tablesWithRows(client: pg.ClientBase, tables: string[]): Promise<{ name: string; rows: number }[]> {
  const found: { name: string; rows: number }[] = [];
  for (const name of tables) {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdent(name)}`);
    const count = Number(rows[0]?.n ?? 0);
    if (count > 0) found.push({ name, rows: count });
  }
  return found;
}

/** The refusal for a database with rows, naming them and what to do instead. */
export function notEmpty(found: { name: string; rows: number }[]): BackupError {
  const list = found.map((t) => `${t.name} (${t.rows})`).join(", ");
  return new BackupError(
    "database_not_empty",
    `The database is not empty: it has rows in ${list}. restore loads only into an empty database, and nothing was changed. ` +
      "Create a new database and point DATABASE_URL at it (for the embedded default: stop Certdoor and move CERTDOOR_DATA_DIR/postgres aside), then run restore before starting Certdoor.",
  );
}

function insertSql(target: Table, columns: { name: string }[]): string {
  const names = columns.map((c) => quoteIdent(c.name)).join(", ");
  // Casts to the type without its length (castType): a value too long for its column fails
  // the INSERT instead of being cut short by an explicit cast.
  const casts = columns.map((c, i) => `v.c${i}::${target.columns.find((t) => t.name === c.name)!.castType}`).join(", ");
  const arrays = columns.map((_, i) => `$${i + 1}::text[]`).join(", ");
  const aliases = columns.map((_, i) => `c${i}`).join(", ");
  return `INSERT INTO ${quoteIdent(target.name)} (${names}) OVERRIDING SYSTEM VALUE SELECT ${casts} FROM unnest(${arrays}) AS v(${aliases})`;
}

type Sink = { kind: "table"; sql: string } | { kind: "sequences" } | { kind: "jobs" };

function sinkFor(section: Section, tables: Map<string, Table>): Sink {
  if (section.section !== "table") return { kind: section.section };
  const target = tables.get(section.name);
  const missing = target ? section.columns.filter((c) => !target.columns.some((t) => t.name === c.name)) : [];
  if (!target || !isBackedUp(section.name) || missing.length > 0) {
    throw new BackupError("backup_incompatible", `The database's schema has no place for the backup's ${section.name}${missing.length ? `.${missing[0]!.name}` : ""} although it is at the backup's migration.`);
  }
  return { kind: "table", sql: insertSql(target, section.columns) };
}

async function write(client: pg.ClientBase, sink: Sink, rows: Row[]): Promise<void> {
  if (sink.kind === "table") {
    const width = rows[0]?.length ?? 0;
    await client.query(sink.sql, Array.from({ length: width }, (_, i) => rows.map((r) => r[i] ?? null)));
  } else if (sink.kind === "sequences") {
    for (const [name, lastValue, isCalled] of rows) {
      await client.query("SELECT setval($1::regclass, $2::bigint, $3::boolean)", [quoteIdent(name ?? ""), lastValue, isCalled]);
    }
  } else await queueJobs(client, rows);
}

async function setTriggers(client: pg.ClientBase, triggers: Trigger[], isOn: boolean): Promise<void> {
  for (const t of triggers) {
    await client.query(`ALTER TABLE ${quoteIdent(t.table)} ${isOn ? (ENABLE[t.enabled] ?? "ENABLE TRIGGER") : "DISABLE TRIGGER"} ${quoteIdent(t.name)}`);
  }
}

async function defer(client: pg.ClientBase, key: ForeignKey): Promise<void> {
  if (!key.isDeferrable) await client.query(`ALTER TABLE ${quoteIdent(key.table)} ALTER CONSTRAINT ${quoteIdent(key.name)} DEFERRABLE INITIALLY DEFERRED`);
  await client.query(`SET CONSTRAINTS ${quoteIdent(key.name)} DEFERRED`);
}

async function undefer(client: pg.ClientBase, key: ForeignKey): Promise<void> {
  const mode = key.isDeferrable ? `DEFERRABLE INITIALLY ${key.isDeferred ? "DEFERRED" : "IMMEDIATE"}` : "NOT DEFERRABLE";
  await client.query(`ALTER TABLE ${quoteIdent(key.table)} ALTER CONSTRAINT ${quoteIdent(key.name)} ${mode}`);
}

/** Loads the backup in one transaction; the client has the text-form settings. */
export async function loadBackup(client: pg.ClientBase, file: string, expected: BackupHeader): Promise<void> {
  await client.query("BEGIN");
  try {
    const tables = new Map((await listTables(client)).map((t) => [t.name, t]));
    const loaded = [...tables.keys()].filter(isBackedUp);
    await client.query(`LOCK TABLE ${loaded.map(quoteIdent).join(", ")} IN EXCLUSIVE MODE`);
    const found = await tablesWithRows(client, loaded);
    if (found.length > 0) throw notEmpty(found);

    const keys = (await listForeignKeys(client)).filter((k) => loaded.includes(k.table));
    const triggers = (await listEnabledTriggers(client)).filter((t) => loaded.includes(t.table));
    await setTriggers(client, triggers, false);

    const seen = new Set<string>();
    const deferred: ForeignKey[] = [];
    let sink: Sink | undefined;
    let header: BackupHeader | undefined;
    for await (const entry of readBackup(file, (h) => (header = h))) {
      if (header?.sha256 !== expected.sha256) throw new BackupError("backup_invalid", `${file} changed while it was being restored.`);
      if (entry.kind === "rows") {
        await write(client, sink!, entry.rows);
        continue;
      }
      const section = entry.section;
      sink = sinkFor(section, tables);
      if (section.section !== "table") continue;
      seen.add(section.name);
      for (const key of keys.filter((k) => k.table === section.name && (k.references === section.name || !seen.has(k.references)))) {
        await defer(client, key);
        deferred.push(key);
      }
    }

    // The file is proven intact here; the deferred keys are checked now, before anything is set back.
    await client.query("SET CONSTRAINTS ALL IMMEDIATE");
    for (const key of deferred) await undefer(client, key);
    await setTriggers(client, triggers, true);
    const counts = new Map((await tablesWithRows(client, loaded)).map((t) => [t.name, t.rows]));
    for (const name of loaded) {
      const want = expected.tables.find((t) => t.name === name)?.rows ?? 0;
      if ((counts.get(name) ?? 0) !== want) throw new BackupError("backup_invalid", `${name} holds ${counts.get(name) ?? 0} rows after loading, the backup ${want}.`);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}
