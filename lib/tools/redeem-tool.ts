import "server-only";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";

// certdoor-redeem.mjs as the server hands it out: the file `next build` bundled
// (lib/tools/bundle-redeem-tool.mjs), read once per process. It changes only with a build,
// which restarts the server, so the cached bytes and their SHA-256 are never stale.

/** Where lib/tools/bundle-redeem-tool.mjs writes the file (the server runs from the app's root). */
const FILE = path.join(process.cwd(), "lib", "generated", "tools", "certdoor-redeem.mjs");

export type RedeemTool = { source: Buffer; sha256: string };

let cached: Promise<RedeemTool | null> | undefined;

/** The bundled redeem client and its SHA-256, or null when no build made it. */
export function redeemTool(): Promise<RedeemTool | null> {
  cached ??= readFile(FILE).then(
    (source) => ({ source, sha256: createHash("sha256").update(source).digest("hex") }),
    () => {
      cached = undefined; // a build may still make it; look again next time
      return null;
    },
  );
  return cached;
}
