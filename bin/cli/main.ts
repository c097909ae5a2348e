import { cliPrincipal, commands } from "./commands/index";
import { reportError, UsageError } from "./io";

// Entry point of `certdoor`. Commands that touch the database resolve the runtime first:
// DATABASE_URL, or the embedded PostgreSQL in ./data (joined when the server runs,
// started and stopped again when it does not).

function help(): string {
  const lines = Object.values(commands).map((c) => `  certdoor ${c.usage}`);
  return ["Usage:", ...lines, "", "Add --json for machine-readable output."].join("\n");
}

/** The usage of the commands the longest start of `words` names (`audit` gives every audit command), if any. */
function usageOf(words: string[]): string | undefined {
  for (let n = words.length; n > 0; n--) {
    const topic = words.slice(0, n).join(" ");
    const lines = Object.entries(commands)
      .filter(([name]) => name === topic || name.startsWith(`${topic} `))
      .map(([, c]) => `  certdoor ${c.usage}`);
    if (lines.length > 0) return ["Usage:", ...lines].join("\n");
  }
  return undefined;
}

const isHelpFlag = (arg: string) => arg === "--help" || arg === "-h";

export async function run(argv: string[]): Promise<number> {
  const [group, action, ...rest] = argv;
  // `certdoor help backup`, `certdoor backup --help`, `-h`: that command's usage, exit 0, no database.
  const topic = group === "help" ? argv.slice(1) : argv.some(isHelpFlag) ? argv.slice(0, argv.findIndex((a) => a.startsWith("-"))) : [];
  if (topic.length > 0) {
    const usage = usageOf(topic);
    if (!usage) return reportError(new UsageError(`unknown command: ${topic.join(" ")}`));
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (!group || group === "help" || isHelpFlag(group)) {
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
    if (command.takesDatabaseAsIs) {
      await command.run(args, { json }, cliPrincipal());
      return 0;
    }
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
