import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/openapi/document";
import { MAX_PAGE } from "@/lib/validation/paging";

// Every integer in the OpenAPI document carries its real bounds: a minimum above zod's
// default −(2^53 − 1) (which the API guide rendered as the example value) and a maximum.

type Found = { at: string; schema: Record<string, unknown> };

function integers(node: unknown, at = "#"): Found[] {
  if (Array.isArray(node)) return node.flatMap((child, i) => integers(child, `${at}/${i}`));
  if (!node || typeof node !== "object") return [];
  const schema = node as Record<string, unknown>;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const here = types.includes("integer") || types.includes("number") ? [{ at, schema }] : [];
  return [...here, ...Object.entries(schema).flatMap(([key, child]) => integers(child, `${at}/${key}`))];
}

describe("OpenAPI bounds", () => {
  const found = integers(buildOpenApiDocument());

  it("gives every integer a real minimum and a maximum", () => {
    const unbounded = found.filter(({ schema }) => typeof schema.minimum !== "number" || schema.minimum <= -Number.MAX_SAFE_INTEGER || typeof schema.maximum !== "number");
    expect(unbounded.map((f) => `${f.at} ${JSON.stringify(f.schema)}`)).toEqual([]);
  });

  // 2^53 − 1 is zod's default, not a rule of the code. Only a count of rows keeps it (as the
  // largest count a JSON number holds exactly): neither the code nor PostgreSQL bounds how
  // many rows a table holds, so any smaller maximum would be a promise nothing keeps.
  it("uses 2^53 − 1 only for counts of rows; everything else has the bound the code enforces", () => {
    const COUNTS = /\/properties\/(totalElements|totalPages|deleted|wouldDelete|memberCount)$/;
    const defaults = found.filter(({ at, schema }) => schema.maximum === Number.MAX_SAFE_INTEGER && !COUNTS.test(at));
    expect(defaults.map((f) => f.at)).toEqual([]);
  });

  it("bounds a page number as the list query does, in the query and in the answer", () => {
    const document = buildOpenApiDocument() as { paths: Record<string, Record<string, { parameters?: { name: string; schema: Record<string, unknown> }[] }>> };
    const asked = Object.values(document.paths).flatMap((item) => (item.get?.parameters ?? []).filter((p) => p.name === "page").map((p) => p.schema));
    const answered = found.filter((f) => f.at.endsWith("/properties/page")).map((f) => f.schema);
    expect(asked).toHaveLength(2);
    expect(answered).toHaveLength(2);
    for (const schema of [...asked, ...answered]) expect([schema.minimum, schema.maximum]).toEqual([0, MAX_PAGE]);
  });

  it("has the contract's ranges where the contract names them", () => {
    const at = (suffix: string) => found.filter((f) => f.at.endsWith(suffix)).map((f) => [f.schema.minimum, f.schema.maximum]);
    for (const id of ["CreateTokenRequest", "Token", "CreatedToken"]) expect(at(`/schemas/${id}/properties/validDays`)).toEqual([[1, 825]]);
    expect(at("/schemas/TokenPage/properties/size")).toEqual([[1, 100]]);
    expect(at("/schemas/TokenPage/properties/totalElements")).toEqual([[0, Number.MAX_SAFE_INTEGER]]);
    expect(at("/schemas/PurgeResult/properties/deleted")).toEqual([[0, Number.MAX_SAFE_INTEGER]]);
    expect(at("/schemas/Problem/properties/status")).toEqual([[400, 599]]);
    expect(found.length).toBeGreaterThan(20);
  });
});
