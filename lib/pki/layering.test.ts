import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// lib/pki is certificate mechanics shared by the server and the browser; the domain calls it,
// never the other way round. Its refusals are PkiError (lib/pki/errors.ts), mapped to the
// contract's codes at the domain's edge, and the browser's wire shapes live in lib/wire.

const root = path.resolve(import.meta.dirname, "..", "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [full] : [];
  });
}

describe("layering", () => {
  it.each([["lib/pki"], ["lib/wire"]])("%s imports nothing from lib/domain", (folder) => {
    // Any specifier that reaches lib/domain: "@/lib/domain/…", a relative path, import(), export … from.
    const reachesDomain = (file: string) =>
      [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].some(([, specifier]) =>
        specifier!.startsWith("@/lib/domain") || (specifier!.startsWith(".") && path.resolve(path.dirname(file), specifier!).startsWith(path.join(root, "lib", "domain"))),
      );
    const offenders = sources(path.join(root, folder)).filter(reachesDomain);
    expect(offenders.map((file) => path.relative(root, file))).toEqual([]);
  });
});
