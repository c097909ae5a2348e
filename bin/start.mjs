#!/usr/bin/env -S node --conditions=react-server
// `npm start`: loads the TypeScript launcher (lib/runtime/launch.ts) through tsx. Whatever
// stops the start (a configuration error found while loading, a data folder that cannot be
// written, PostgreSQL that will not start) is one message, never a stack.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
register({ tsconfig: path.join(root, "tsconfig.json") });
try {
  const { main } = await import("../lib/runtime/launch.ts");
  await main();
} catch (error) {
  console.error(`[certdoor] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
