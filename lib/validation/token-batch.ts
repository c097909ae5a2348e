import { parse } from "csv-parse/sync";
import { z } from "zod";
import { AppError, type FieldError } from "@/lib/domain/errors";
import { fieldErrors } from "@/lib/validation/parse";
import { SAN_CSV_COLUMNS, type SanCsvColumn, type SanKind, subjectAltNamesFromCsv } from "@/lib/validation/subject-alt-names";
import { BATCH_CSV_COLUMNS } from "@/lib/validation/token-batch-columns";
import { type CreateTokenInput, createTokenSchema } from "@/lib/validation/tokens";

// A batch of tokens, from JSON ({ "tokens": [...] }) or CSV, checked whole: every row's
// every error, with paths a person can find (tokens[3].commonName, or "row 4: commonName"
// where the header is row 1), so one upload shows everything to fix. A CSV's SAN cells
// (dnsNames, ipAddresses, uris, emails: space-separated) become the row's subjectAltNames,
// and their errors name the column and the value ("row 4: dnsNames").

export const MAX_BATCH = 1000;
export { BATCH_CSV_COLUMNS };

export type TokenRequest = z.output<typeof createTokenSchema>;

function tooMany(count: number): AppError | null {
  if (count === 0) return new AppError("validation_failed", "The batch has no tokens.", [{ path: "tokens", message: "Add at least one token" }]);
  if (count > MAX_BATCH) return new AppError("validation_failed", `The batch has ${count} tokens; at most ${MAX_BATCH} are allowed.`, [{ path: "tokens", message: `At most ${MAX_BATCH} tokens` }]);
  return null;
}

/** Where a row's error is, in the words of the batch's format. */
type Locate = (index: number, error: FieldError, row: unknown) => FieldError;

/** Each row checked by the create schema; the errors placed by `locate`. */
function validateRows(rows: unknown[], locate: Locate): { parsed: (TokenRequest | null)[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const parsed = rows.map((row, i) => {
    const result = createTokenSchema.safeParse(row);
    if (result.success) return result.data;
    for (const e of fieldErrors(result.error)) errors.push(locate(i, e, row));
    return null;
  });
  return { parsed, errors };
}

function checkRows(rows: unknown[], locate: Locate): TokenRequest[] {
  const limit = tooMany(rows.length);
  if (limit) throw limit;
  const { parsed, errors } = validateRows(rows, locate);
  if (errors.length > 0) {
    const rowsWithErrors = new Set(errors.map((e) => e.path.replace(/[.:].*$/, ""))).size;
    throw new AppError("validation_failed", `${rowsWithErrors} of ${rows.length} tokens are invalid; nothing was created.`, errors);
  }
  return parsed as TokenRequest[];
}

/** `{ "tokens": [ <create body>, … ] }`. */
export function tokensFromJson(body: unknown): TokenRequest[] {
  const shape = z.object({ tokens: z.array(z.unknown()) }).safeParse(body);
  if (!shape.success) throw new AppError("validation_failed", 'Send { "tokens": [ … ] }.', [{ path: "tokens", message: "Required: an array of tokens" }]);
  return checkRows(shape.data.tokens, (i, e) => ({ path: jsonPath(i, e.path), message: e.message }));
}

/** The rows of a CSV with a BATCH_CSV_COLUMNS header (any order; empty cells are absent fields), RFC 4180 quoting, UTF-8. */
function readCsv(text: string): Record<string, unknown>[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError("validation_failed", `The CSV could not be read: ${message}`, [{ path: "(body)", message }]);
  }
  const [header, ...data] = records;
  const columns = header ?? [];
  const unknown = columns.filter((c) => !(BATCH_CSV_COLUMNS as readonly string[]).includes(c));
  if (!columns.includes("name") || unknown.length > 0) {
    const message = `The first row must be the header ${BATCH_CSV_COLUMNS.join(",")}${unknown.length > 0 ? ` (unknown: ${unknown.join(", ")})` : ""}`;
    throw new AppError("validation_failed", message, [{ path: "row 1", message }]);
  }
  return data.map((cells) => {
    const row: Record<string, unknown> = {};
    const sanCells: Partial<Record<SanCsvColumn, string>> = {};
    columns.forEach((column, i) => {
      const value = cells[i] ?? "";
      if (value === "") return;
      if (column in SAN_CSV_COLUMNS) sanCells[column as SanCsvColumn] = value;
      else row[column] = column === "validDays" && /^\d+$/.test(value) ? Number(value) : value;
    });
    const subjectAltNames = subjectAltNamesFromCsv(sanCells);
    if (subjectAltNames) row.subjectAltNames = subjectAltNames;
    return row satisfies Partial<Record<keyof CreateTokenInput, unknown>>;
  });
}

const COLUMN_OF_KIND = Object.fromEntries(Object.entries(SAN_CSV_COLUMNS).map(([column, kind]) => [kind, column])) as Record<SanKind, SanCsvColumn>;
const SAN_PATH = /^subjectAltNames\.(dns|ip|uri|email)(?:\[(\d+)\])?$/;

/** The paths of a batch's errors: `tokens[3].commonName` in JSON, `row 5: commonName` in CSV, where a SAN's error names its column (`row 5: dnsNames`). */
export const jsonPath = (i: number, field: string) => `tokens[${i}]${field === "(root)" ? "" : `.${field}`}`;
export const csvPath = (i: number, field: string) => {
  const san = SAN_PATH.exec(field);
  return `row ${i + 2}: ${san ? COLUMN_OF_KIND[san[1] as SanKind] : field === "(root)" ? "(row)" : field}`;
};

/** A CSV row's error at its path; a SAN value's error also quotes the value (`"a..b": …`). */
const csvError: Locate = (i, e, row) => {
  const san = SAN_PATH.exec(e.path);
  const value = san?.[2] === undefined ? undefined : (row as { subjectAltNames?: Record<string, string[]> }).subjectAltNames?.[san[1]!]?.[Number(san[2])];
  return { path: csvPath(i, e.path), message: value === undefined ? e.message : `"${value}": ${e.message}` };
};

export function tokensFromCsv(text: string): TokenRequest[] {
  return checkRows(readCsv(text), csvError);
}

/** The console's preview: every row as read and every error, without creating anything. */
export function previewCsv(text: string): { rows: Record<string, unknown>[]; errors: FieldError[] } {
  try {
    const rows = readCsv(text);
    const limit = tooMany(rows.length);
    return { rows, errors: limit ? (limit.errors ?? []) : validateRows(rows, csvError).errors };
  } catch (error) {
    if (error instanceof AppError) return { rows: [], errors: error.errors ?? [{ path: "(body)", message: error.message }] };
    throw error;
  }
}
