// How a spreadsheet in a locale whose list separator is ';' (or a careless import) splits a
// CSV file: at every line break, ';' and ',' whether quoted or not, dropping the spaces and
// quotes in front of each piece. A piece that then starts with = + - @, tab or CR would run
// as a formula.

const FORMULA_START = /^[=+\-@\t\r]/;

export function spreadsheetPieces(file: string): string[] {
  return file.split(/\r\n|\r|\n/).flatMap((line) => line.split(/[;,]/)).map((piece) => piece.replace(/^[ "]+/, ""));
}

/** The pieces of the file a semicolon-locale spreadsheet would run as formulas. */
export function formulaPieces(file: string): string[] {
  return spreadsheetPieces(file).filter((piece) => FORMULA_START.test(piece));
}
