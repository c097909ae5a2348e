// postinstall: `prisma generate` into lib/generated/prisma. Generating needs no database
// and no schema engine, but the CLI insists on finding the engine binary it never runs
// here, so it is pointed at an existing file when none is configured.
import { spawnSync } from "node:child_process";

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const result = spawnSync("npx", ["prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
