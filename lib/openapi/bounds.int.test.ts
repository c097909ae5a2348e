import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/openapi/document";

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
