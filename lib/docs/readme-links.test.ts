import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The README stands alone: every file it links or names in backticks is in the repository
// (nothing under ../, nothing only on the author's machine), and its shell blocks say bash.

const root = path.resolve(import.meta.dirname, "..", "..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");
// Folders that hold the repository's files; ./data and friends are made at run time.
const tracked = new Set(readdirSync(root).filter((name) => !["data", "node_modules", "test-results"].includes(name) && !name.startsWith(".next")));

/** Link targets of [text](target) and ![alt](target), without anchors; not URLs or pure anchors. */
function linkedPaths(markdown: string): string[] {
  return [...markdown.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map(([, target]) => target!.split("#")[0]!).filter((t) => t !== "" && !/^[a-z]+:/i.test(t));
}

/** `code` spans that name a repository file: first segment a top-level entry of the repository, or a climb out of it. */
function namedPaths(markdown: string, topLevel: Set<string>): string[] {
  return [...markdown.matchAll(/`([^`\s]+)`/g)]
    .map(([, text]) => text!)
    .filter((text) => text.startsWith("../") || (text.includes("/") && topLevel.has(text.split("/")[0]!)))
    .filter((text) => !/[*{}<>…]/.test(text));
}

describe("README paths", () => {
  it("links only files that exist in the repository", () => {
    const links = linkedPaths(readme);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((target) => target.startsWith("../") || !existsSync(path.join(root, target)))).toEqual([]);
  });

  it("names in backticks only repository paths that exist", () => {
    const named = namedPaths(readme, tracked);
    expect(named).toContain("lib/db/migrate.ts");
    expect(named.filter((target) => target.startsWith("../") || !existsSync(path.join(root, target)))).toEqual([]);
  });

  it("fences shell blocks as bash, which is what they are written for (one uses <(…))", () => {
    expect(readme).toContain("<(");
    expect([...readme.matchAll(/^```(sh|shell|console)$/gm)].map((m) => m[0])).toEqual([]);
  });

  it("would catch a link or a name outside the repository", () => {
    expect(linkedPaths("see [the contract](../shared/CONTRACT.md#codes) or [web](https://example.com)")).toEqual(["../shared/CONTRACT.md"]);
    expect(namedPaths("see `../shared/CONTRACT.md` and `lib/nothing.ts`, not `./data`", new Set(["lib"]))).toEqual(["../shared/CONTRACT.md", "lib/nothing.ts"]);
  });
});
