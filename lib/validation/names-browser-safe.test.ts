import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The console's token and Frontdoor forms run the SAN schema and the name policy in the
// browser (issue 20), so nothing they import, however indirectly, may need Node or the server.

const ROOT = path.resolve(__dirname, "../..");
const ENTRIES = ["lib/validation/subject-alt-names.ts", "lib/domain/names/policy.ts", "lib/domain/names/field-errors.ts"];

/** Every module specifier the file and the project files it imports (transitively) name. */
function importsOf(entry: string, seen = new Set<string>()): string[] {
  if (seen.has(entry)) return [];
  seen.add(entry);
  const source = readFileSync(path.join(ROOT, entry), "utf8");
  const specifiers = [...source.matchAll(/^(?:import|export)\b[^;]*?from\s+"([^"]+)"|^import\s+"([^"]+)"/gm)].map((m) => (m[1] ?? m[2])!);
  return specifiers.flatMap((specifier) => (specifier.startsWith("@/") ? [specifier, ...importsOf(`${specifier.slice(2)}.ts`, seen)] : [specifier]));
}

describe("names modules in the browser", () => {
  it.each(ENTRIES)("%s imports only zod and browser-safe project files", (entry) => {
    const external = importsOf(entry).filter((specifier) => !specifier.startsWith("@/"));
    expect(new Set(external)).toEqual(new Set(["zod"]));
  });
});
