// @ts-check
import { createHash } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Bundles bin/cli/redeem-standalone.ts (the `certdoor redeem` command, its option table,
// lib/pki and their packages) into one ES module that needs Node ≥ 20 and nothing else.
// next.config.js runs this during `next build`; lib/tools/redeem-tool.ts serves the result
// (and bundles on demand where no build ran: dev, tests). esbuild comes with tsx, a
// dependency already; its output is deterministic, so every instance serves the same bytes.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const REDEEM_TOOL_FILE = path.join(root, "lib", "generated", "tools", "certdoor-redeem.mjs");

/** @returns {Promise<{ source: string, sha256: string }>} */
export async function bundleRedeemTool() {
  const { build } = await import("esbuild");
  const result = await build({
    absWorkingDir: root,
    entryPoints: [path.join(root, "bin", "cli", "redeem-standalone.ts")],
    tsconfig: path.join(root, "tsconfig.json"),
    bundle: true,
    write: false,
    platform: "node",
    format: "esm",
    target: "node20",
    // Readable on purpose: whoever runs it can read what it does with their key.
    minify: false,
    legalComments: "inline",
    charset: "utf8",
    logLevel: "silent",
    banner: { js: "#!/usr/bin/env node\n// certdoor-redeem.mjs: redeems a Certdoor certificate request token. Node.js >= 20, no npm install.\n// Run with --help. Built from Certdoor's own `certdoor redeem`; the key is made here and never sent.\n// node-forge's CommonJS needs require in an ES module:\nimport { createRequire as __certdoorRequire } from \"node:module\"; const require = __certdoorRequire(import.meta.url);" },
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error("esbuild produced no output for certdoor-redeem.mjs");
  const source = file.text;
  return { source, sha256: createHash("sha256").update(source).digest("hex") };
}

/** Bundles and writes lib/generated/tools/certdoor-redeem.mjs (at build time); a reader sees the old file or the new one. */
export async function writeRedeemTool() {
  const tool = await bundleRedeemTool();
  await mkdir(path.dirname(REDEEM_TOOL_FILE), { recursive: true });
  const temporary = `${REDEEM_TOOL_FILE}.${process.pid}.tmp`;
  await writeFile(temporary, tool.source);
  await rename(temporary, REDEEM_TOOL_FILE);
  return tool;
}
