import { parse } from "csv-parse/sync";
import { z } from "zod";
import { AppError, type FieldError } from "@/lib/domain/errors";
import { fieldErrors } from "@/lib/validation/parse";
import { type CreateTokenInput, createTokenSchema } from "@/lib/validation/tokens";

// A batch of tokens, from JSON ({ "tokens": [...] }) or CSV, checked whole: every row's
// every error, with paths a person can find (tokens[3].commonName, or "row 4: commonName"
// where the header is row 1), so one upload shows everything to fix.

export const MAX_BATCH = 1000;
export const BATCH_CSV_COLUMNS = ["name", "commonName", "organization", "organizationalUnit", "recipientEmail", "expiresAt", "validDays"] as const;

export type TokenRequest = z.output<typeof createTokenSchema>;

function tooMany(count: number): AppError | null {
  if (count === 0) return new AppError("validation_failed", "The batch has no tokens.", [{ path: "tokens", message: "Add at least one token" }]);
  if (count > MAX_BATCH) return new AppError("validation_failed", `The batch has ${count} tokens; at most ${MAX_BATCH} are allowed.`, [{ path: "tokens", message: `At most ${MAX_BATCH} tokens` }]);
  return null;
}

function checkRows(rows: unknown[], pathOf: (index: number, field: string) => string): TokenRequest[] {
  const limit = tooMany(rows.length);
  if (limit) throw limit;
  const errors: FieldError[] = [];
  const parsed = rows.map((row, i) => {
    const result = createTokenSchema.safeParse(row);
    if (result.success) return result.data;
    for (const e of fieldErrors(result.error)) errors.push({ path: pathOf(i, e.path), message: e.message });
    return null;
  });
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
  return checkRows(shape.data.tokens, (i, field) => `tokens[${i}]${field === "(root)" ? "" : `.${field}`}`);
}

/** CSV with the header BATCH_CSV_COLUMNS (any order, the first four… may be empty cells); RFC 4180 quoting, UTF-8. */
export function tokensFromCsv(text: string): TokenRequest[] {
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
  const rows = data.map((cells) => {
    const row: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      const value = cells[i] ?? "";
      if (value === "") return;
      row[column] = column === "validDays" && /^\d+$/.test(value) ? Number(value) : value;
    });
    return row satisfies Partial<Record<keyof CreateTokenInput, unknown>>;
  });
  return checkRows(rows, (i, field) => `row ${i + 2}: ${field === "(root)" ? "(row)" : field}`);
}
