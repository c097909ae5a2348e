import { cliPrincipal, commands } from "./commands/index";
import { reportError, UsageError } from "./io";

// Entry point of `certdoor`. Commands that touch the database resolve the runtime first:
// DATABASE_URL, or the embedded PostgreSQL in ./data (joined when the server runs,
// started and stopped again when it does not).

function help(): string {
  const lines = Object.values(commands).map((c) => `  certdoor ${c.usage}`);
  return ["Usage:", ...lines, "", "Add --json for machine-readable output."].join("\n");
}

export async function run(argv: string[]): Promise<number> {
  const [group, action, ...rest] = argv;
  if (!group || group === "help" || group === "--help" || group === "-h") {
    process.stdout.write(`${help()}\n`);
    return group ? 0 : 2;
  }
  const twoWords = commands[`${group} ${action ?? ""}`];
  const command = twoWords ?? commands[group];
  if (!command) return reportError(new UsageError(`unknown command: ${[group, action].filter(Boolean).join(" ")}`));
  const args = twoWords ? rest : [action, ...rest].filter((a): a is string => a !== undefined);

  const json = args.includes("--json");
  if (command.needsDatabase === false) {
    try {
      await command.run(args, { json }, cliPrincipal());
      return 0;
    } catch (error) {
      return reportError(error);
    }
  }
  const { resolveRuntime } = await import("@/lib/runtime/runtime");
  let stop = async () => {};
  try {
    const runtime = await resolveRuntime();
    stop = runtime.stop;
    const { migrate } = await import("@/lib/db/migrate");
    await migrate(runtime.databaseUrl);
    await command.run(args, { json }, cliPrincipal());
    // The CLI holds the master key too: it seals the events its command wrote, so the
    // chain is complete even when no server runs.
    const { sealAuditEvents } = await import("@/lib/domain/audit-seal");
    await sealAuditEvents().catch((error: unknown) => process.stderr.write(`certdoor: warning: ${error instanceof Error ? error.message : String(error)}\n`));
    return 0;
  } catch (error) {
    return reportError(error);
  } finally {
    const { closeDb } = await import("@/lib/db");
    await closeDb();
    await stop();
  }
}
