import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_GUIDE } from "@/lib/domain/error-guide";
import { errorTableMarkdown } from "@/lib/docs/error-table";
import { problemSchema } from "@/lib/openapi/schemas";

// docs/errors.md is what errorTableMarkdown() writes, and lists exactly the codes of the
// OpenAPI document's Problem.code enum, each with what to do.

const file = path.resolve(import.meta.dirname, "..", "..", "docs", "errors.md");

describe("docs/errors.md", () => {
  it("is up to date (regenerate: CERTDOOR_WRITE_DOCS=1 npx vitest run lib/docs/error-table.test.ts)", () => {
    if (process.env.CERTDOOR_WRITE_DOCS === "1") writeFileSync(file, errorTableMarkdown());
    expect(readFileSync(file, "utf8")).toBe(errorTableMarkdown());
  });

  it("lists exactly the Problem.code enum, each with a meaning and what to do", () => {
    const rows = readFileSync(file, "utf8").matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| (.+) \| (.+) \|$/gm);
    const listed = [...rows].map(([, code, , when, action]) => ({ code: code!, when: when!, action: action! }));
    expect(listed.map((r) => r.code).sort()).toEqual([...problemSchema.shape.code.options].sort());
    for (const row of listed) expect(row.action.length, row.code).toBeGreaterThan(10);
    expect(Object.keys(ERROR_GUIDE).sort()).toEqual([...problemSchema.shape.code.options].sort());
  });
});
