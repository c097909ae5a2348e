// CSV (RFC 4180) that spreadsheets open safely: cells that a spreadsheet would run as a
// formula (= + - @, tab, CR) are prefixed with an apostrophe.

function cell(value: unknown): string {
  let text = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: unknown[]): string {
  return `${values.map(cell).join(",")}\r\n`;
}
