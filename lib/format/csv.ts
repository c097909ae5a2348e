// CSV (RFC 4180) that spreadsheets open safely. Every cell is quoted, and an apostrophe goes
// before each character a spreadsheet would run as a formula (= + - @, tab, CR) wherever a
// cell may start: at the start of the value, and after ';' or ',' (Excel in a locale whose
// list separator is ';' splits a comma file there, quotes or not), tab or a line break,
// past any spaces or quotes. Such an apostrophe shows in the text when the file is read
// with the right separator; a running formula (HYPERLINK sending cells away) is worse.
// Machines read the JSON forms, which carry the values untouched.

const FORMULA_START = /(?<=^|[;,\t\r\n])([ "]*)(?=[=+\-@\t\r])/g;

function cell(value: unknown): string {
  const text = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value);
  return `"${text.replace(FORMULA_START, "$1'").replace(/"/g, '""')}"`;
}

export function csvRow(values: unknown[]): string {
  return `${values.map(cell).join(",")}\r\n`;
}
