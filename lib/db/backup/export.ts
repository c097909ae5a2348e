import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { gzipSync } from "node:zlib";
import pg from "pg";
import { appliedMigrations, dependencyOrder, isBackedUp, listForeignKeys, listSequences, listTables, quoteIdent, SKIPPED_TABLES, type Table, TEXT_FORM_SETTINGS } from "@/lib/db/backup/catalog";
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, BackupError, type BackupHeader, BodyWriter, type Row, SEQUENCE_COLUMNS } from "@/lib/db/backup/format";
import { JOB_COLUMNS, readPendingJobs } from "@/lib/db/backup/jobs";
import { countKeyReferences } from "@/lib/db/backup/key-references";

// `certdoor backup`: the whole database, read in one REPEATABLE READ READ ONLY transaction so
// every table comes from the same snapshot (a token and its certificate, an audit event and
// the change it describes), while the server keeps serving. No pg_dump: the one on a machine
// need not match the server's major version (Debian's 17 refuses an 18 server); reading
// rows as text over the ordinary protocol works against any version.

const FETCH_ROWS = 1000;

async function certdoorVersion(): Promise<string> {
  const packageJson = new URL("../../../package.json", import.meta.url);
  return (JSON.parse(await readFile(packageJson, "utf8")) as { version: string }).version;
}

async function writeTable(client: pg.Client, body: BodyWriter, table: Table): Promise<number> {
  await body.section({ section: "table", name: table.name, columns: table.columns.map(({ name, type }) => ({ name, type })) });
  const values = table.columns.map((c) => `t.${quoteIdent(c.name)}::text`).join(", ");
  // Key order makes two backups of the same data the same file, and audit events read in id
  // order. Qualified (t."id"): a bare name would sort by the text output column of that name.
  const order = table.primaryKey.length > 0 ? ` ORDER BY ${table.primaryKey.map((c) => `t.${quoteIdent(c)}`).join(", ")}` : "";
  await client.query(`DECLARE backup_rows NO SCROLL CURSOR FOR SELECT ${values} FROM ${quoteIdent(table.name)} t${order}`);
  let count = 0;
  while (true) {
    const { rows } = await client.query<Row>({ text: `FETCH ${FETCH_ROWS} FROM backup_rows`, rowMode: "array" });
    if (rows.length === 0) break;
    await body.lines(rows.map((row) => JSON.stringify(row)));
    count += rows.length;
  }
  await client.query("CLOSE backup_rows");
  return count;
}

async function writeSequences(client: pg.Client, body: BodyWriter): Promise<number> {
  const names = await listSequences(client);
  await body.section({ section: "sequences", columns: SEQUENCE_COLUMNS });
  // Read after the rows: a sequence is not part of the snapshot, and so it is at least as far
  // as any id the snapshot holds.
  for (const name of names) {
    const { rows } = await client.query<Row>({ text: `SELECT $1::text, last_value::text, is_called::text FROM ${quoteIdent(name)}`, rowMode: "array", values: [name] });
    await body.lines(rows.map((row) => JSON.stringify(row)));
  }
  return names.length;
}

/** Header, then the body's bytes, as two gzip members in one file, on disk before it is renamed. */
async function assemble(file: string, header: BackupHeader, bodyFile: string): Promise<void> {
  const out = createWriteStream(file, { mode: 0o600 });
  out.write(gzipSync(`${JSON.stringify(header)}\n`));
  await pipeline(createReadStream(bodyFile), out);
  const handle = await open(file, "r");
  await handle.sync().finally(() => handle.close());
}

/** Writes a consistent backup of the database to `file` (replaced atomically, mode 0600); with the header, how many CA keys it holds only references to (keys in a PKCS#11 token). */
export async function writeBackup(databaseUrl: string, file: string): Promise<BackupHeader & { keyReferences: number }> {
  const target = path.resolve(file);
  const temp = (suffix: string) => path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString("hex")}.${suffix}`);
  const bodyFile = temp("body");
  const wholeFile = temp("partial");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let body: BodyWriter | undefined;
  try {
    await client.query(TEXT_FORM_SETTINGS);
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const migrations = await appliedMigrations(client);
    if (migrations.length === 0) throw new BackupError("nothing_to_back_up", "The database has no Certdoor schema (no migration was applied to it): is DATABASE_URL the right database?");
    const tables = (await listTables(client)).filter((t) => isBackedUp(t.name));
    const byName = new Map(tables.map((t) => [t.name, t]));
    const order = dependencyOrder([...byName.keys()], await listForeignKeys(client));
    // The snapshot's time (the transaction's start), not the time the file is finished.
    const { rows: facts } = await client.query<{ at: Date; version: string }>("SELECT now() AS at, current_setting('server_version') AS version");

    body = new BodyWriter(bodyFile);
    const counts: BackupHeader["tables"] = [];
    for (const name of order) counts.push({ name, rows: await writeTable(client, body, byName.get(name)!) });
    const sequences = await writeSequences(client, body);
    const jobs = await readPendingJobs(client);
    const keyReferences = await countKeyReferences(client);
    await body.section({ section: "jobs", columns: JOB_COLUMNS });
    await body.lines(jobs.map((row) => JSON.stringify(row)));
    await client.query("COMMIT");
    const sha256 = await body.end();

    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      certdoorVersion: await certdoorVersion(),
      createdAt: (facts[0]?.at ?? new Date()).toISOString(),
      postgresVersion: facts[0]?.version ?? "unknown",
      migrations,
      tables: counts,
      sequences,
      jobs: jobs.length,
      skippedTables: SKIPPED_TABLES,
      sha256,
    };
    await assemble(wholeFile, header, bodyFile);
    await rename(wholeFile, target);
    return { ...header, keyReferences };
  } finally {
    body?.abort();
    await client.end().catch(() => {});
    await rm(bodyFile, { force: true });
    await rm(wholeFile, { force: true });
  }
}
