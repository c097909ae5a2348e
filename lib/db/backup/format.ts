import { createHash, type Hash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { z } from "zod";
import { BACKUP_LINE_LIMITS, gunzippedLines, LineError, type LineLimits } from "@/lib/db/backup/lines";

// The backup file: gzip of JSON lines. The first line is the header; every line after it is
// the body, whose SHA-256 the header carries. The body is a run of sections, each a JSON
// object followed by its rows as JSON arrays of PostgreSQL's text form (string or null):
// the text form is what every PostgreSQL major reads back exactly (bigint, bytea, jsonb,
// timestamptz at millisecond precision), so values round-trip without passing through JS.
// The header is written last, as its own gzip member in front of the body's (gzip readers,
// zcat and Node alike, read concatenated members as one stream).

export const BACKUP_FORMAT = "certdoor-backup";
export const BACKUP_FORMAT_VERSION = 1;

export type BackupErrorCode = "backup_invalid" | "backup_incompatible" | "database_not_empty" | "master_key_mismatch" | "nothing_to_back_up";

/** An expected refusal, with a code the CLI prints. */
export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const headerSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  certdoorVersion: z.string(),
  createdAt: z.string(),
  postgresVersion: z.string(),
  migrations: z.array(z.object({ name: z.string(), checksum: z.string() })).min(1),
  tables: z.array(z.object({ name: z.string(), rows: z.number().int().min(0) })),
  sequences: z.number().int().min(0),
  jobs: z.number().int().min(0),
  skippedTables: z.array(z.string()),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type BackupHeader = z.infer<typeof headerSchema>;

const sectionSchema = z.discriminatedUnion("section", [
  z.object({ section: z.literal("table"), name: z.string(), columns: z.array(z.object({ name: z.string(), type: z.string() })).min(1) }),
  z.object({ section: z.literal("sequences"), columns: z.array(z.string()) }),
  z.object({ section: z.literal("jobs"), columns: z.array(z.string()) }),
]);
export type Section = z.infer<typeof sectionSchema>;
export type Row = (string | null)[];

export const SEQUENCE_COLUMNS = ["name", "lastValue", "isCalled"];

/** Writes the body: lines into gzip into a file, hashing the uncompressed bytes. */
export class BodyWriter {
  private readonly hash = createHash("sha256");
  private readonly gzip = createGzip();
  private readonly done: Promise<void>;

  constructor(file: string) {
    this.done = pipeline(this.gzip, createWriteStream(file, { mode: 0o600 }));
    this.done.catch(() => {});
  }

  async section(section: Section): Promise<void> {
    await this.lines([JSON.stringify(section)]);
  }

  async lines(lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    const bytes = Buffer.from(`${lines.join("\n")}\n`, "utf8");
    this.hash.update(bytes);
    // Racing `done`: a failed write ends the pipeline, and "drain" would never come.
    if (!this.gzip.write(bytes)) await Promise.race([once(this.gzip, "drain"), this.done]);
  }

  /** Stops writing (after a failure); a no-op once ended. */
  abort(): void {
    this.gzip.destroy();
  }

  /** Ends the file; the SHA-256 (hex) of everything written. */
  async end(): Promise<string> {
    this.gzip.end();
    await this.done;
    return this.hash.digest("hex");
  }
}

export type BackupEntry = { kind: "section"; section: Section } | { kind: "rows"; rows: Row[] };

const invalid = (file: string, why: string) => new BackupError("backup_invalid", `${file} is not an intact Certdoor backup: ${why}.`);

function parseLine(file: string, line: string, lineNumber: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw invalid(file, `line ${lineNumber} is not JSON`);
  }
}

function parseHeader(file: string, text: string): BackupHeader {
  const parsed = headerSchema.safeParse(parseLine(file, text, 1));
  if (!parsed.success) throw invalid(file, "its first line is not a Certdoor backup header of a version this Certdoor reads");
  return parsed.data;
}

/** The file's lines, with the line reader's refusals worded as every other refusal of the file. */
async function* linesOf(file: string, hash: Hash, limits: LineLimits): AsyncGenerator<string> {
  try {
    yield* gunzippedLines(file, hash, limits);
  } catch (error) {
    throw error instanceof LineError ? invalid(file, error.message) : error;
  }
}

/**
 * Reads a backup, checking as it goes that every row fits its section and, at the end, that
 * the body's SHA-256 and each table's row count match the header. A consumer that loads
 * while reading must do so where it can undo it: the end of the file is where it is proven.
 */
export async function* readBackup(file: string, onHeader: (header: BackupHeader) => void, limits: LineLimits = BACKUP_LINE_LIMITS): AsyncGenerator<BackupEntry> {
  let header: BackupHeader | undefined;
  let columns = 0;
  let counter = { name: "", rows: 0 };
  const counted: { name: string; rows: number }[] = [];
  let batch: Row[] = [];
  let batchBytes = 0;
  let lineNumber = 0;
  const hash = createHash("sha256");
  for await (const line of linesOf(file, hash, limits)) {
    lineNumber += 1;
    if (!header) {
      header = parseHeader(file, line);
      onHeader(header);
      continue;
    }
    const value = parseLine(file, line, lineNumber);
    if (Array.isArray(value)) {
      if (columns === 0) throw invalid(file, `line ${lineNumber} is a row outside any section`);
      if (value.length !== columns || !value.every((v) => v === null || typeof v === "string")) throw invalid(file, `line ${lineNumber} does not fit its section`);
      batch.push(value as Row);
      batchBytes += line.length;
      counter.rows += 1;
      // Batches bounded in rows and in size: a table of CRLs has few rows, each large.
      if (batch.length >= 500 || batchBytes > 4_000_000) {
        yield { kind: "rows", rows: batch };
        batch = [];
        batchBytes = 0;
      }
      continue;
    }
    const section = sectionSchema.safeParse(value);
    if (!section.success) throw invalid(file, `line ${lineNumber} is neither a row nor a section`);
    if (batch.length > 0) yield { kind: "rows", rows: batch };
    batch = [];
    batchBytes = 0;
    counter = { name: section.data.section === "table" ? section.data.name : `(${section.data.section})`, rows: 0 };
    counted.push(counter);
    columns = section.data.columns.length;
    yield { kind: "section", section: section.data };
  }
  if (batch.length > 0) yield { kind: "rows", rows: batch };
  if (!header) throw invalid(file, "it is empty");
  if (hash.digest("hex") !== header.sha256) throw invalid(file, "its content does not match the SHA-256 in its header (it was changed or damaged)");
  const expected = [...header.tables, { name: "(sequences)", rows: header.sequences }, { name: "(jobs)", rows: header.jobs }];
  if (JSON.stringify(counted) !== JSON.stringify(expected)) throw invalid(file, "its sections or row counts differ from its header");
}
