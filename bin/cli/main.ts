import { cliPrincipal, commands } from "./commands/index";
import { EXIT, isSchemaRefusal, reportError, UsageError } from "./io";
import { helpText, parseInput, usageLine } from "./options";

// Entry point of `certdoor`. Commands that touch the database resolve the runtime first:
// DATABASE_URL, or the embedded PostgreSQL in ./data (joined when the server runs,
// started and stopped again when it does not).

const EXIT_CODES = "Exit codes: 0 done; 1 refused or failed; 2 wrong invocation (unknown command or option, a missing or invalid value); 3 not due yet (renew).";

function overview(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${usageLine(`certdoor ${name}`, c)}`);
  return [
    "Usage: certdoor <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "`certdoor help <command>` (or `certdoor <command> --help`) explains a command and each of its options.",
    "Every command takes --json (JSON on stdout) and -h/--help.",
    EXIT_CODES,
  ].join("\n");
}

/** The command `topic` names, or every command of the group it names (`audit`). */
const commandsUnder = (topic: string) => Object.entries(commands).filter(([name]) => name === topic || name.startsWith(`${topic} `));

/** The help of the commands the longest start of `words` names, if any. */
export function helpFor(words: string[]): string | undefined {
  for (let n = words.length; n > 0; n--) {
    const matching = commandsUnder(words.slice(0, n).join(" "));
    if (matching.length > 0) return matching.map(([name, c]) => helpText(`certdoor ${name}`, c)).join("\n\n");
  }
  return undefined;
}

/** After a usage error: the usage lines of the command (or group) it concerns, and where the rest is. */
function showHelp(topic: string): string | undefined {
  const lines = commandsUnder(topic).map(([name, c]) => `  ${usageLine(`certdoor ${name}`, c)}`);
  return lines.length > 0 ? ["Usage:", ...lines, `Run \`certdoor help ${topic}\` for what each option means.`].join("\n") : undefined;
}

const isHelpFlag = (arg: string) => arg === "--help" || arg === "-h";

export async function run(argv: string[]): Promise<number> {
  const [group, action, ...rest] = argv;
  if (!group || group === "help" || isHelpFlag(group)) {
    // `certdoor help backup`: that command's help, exit 0, no database.
    const topic = argv.slice(1);
    if (topic.length === 0) {
      process.stdout.write(`${overview()}\n`);
      return group ? EXIT.ok : EXIT.usage;
    }
    const text = helpFor(topic);
    if (!text) return reportError(new UsageError(`unknown command: ${topic.join(" ")}`));
    process.stdout.write(`${text}\n`);
    return EXIT.ok;
  }
  const twoWords = commands[`${group} ${action ?? ""}`] ? `${group} ${action}` : undefined;
  const name = twoWords ?? (commands[group] ? group : undefined);
  // `certdoor frontdoor --help`, `certdoor redeem -h`: help of what the words before the first option name.
  if (argv.some(isHelpFlag)) {
    const words = argv.slice(0, argv.findIndex((a) => a.startsWith("-")));
    const text = helpFor(name ? name.split(" ") : words);
    if (!text) return reportError(new UsageError(`unknown command: ${words.join(" ")}`));
    process.stdout.write(`${text}\n`);
    return EXIT.ok;
  }
  if (!name) {
    const isGroup = Object.keys(commands).some((c) => c.startsWith(`${group} `));
    return reportError(new UsageError(`unknown command: ${[group, action].filter(Boolean).join(" ")}`, isGroup ? group : undefined), showHelp);
  }
  const command = commands[name]!;
  const args = twoWords ? rest : [action, ...rest].filter((a): a is string => a !== undefined);

  let input: ReturnType<typeof parseInput>;
  try {
    input = parseInput(name, command, args);
  } catch (error) {
    return reportError(error, showHelp);
  }
  const { json } = input;
  const fail = (error: unknown) => reportError(isSchemaRefusal(error) ? new UsageError(`${name}: ${error.code}: ${error.message}`, name) : error, showHelp);
  if (command.needsDatabase === false) {
    try {
      await command.run(input, { json }, cliPrincipal());
      return EXIT.ok;
    } catch (error) {
      return fail(error);
    }
  }
  const { resolveRuntime } = await import("@/lib/runtime/runtime");
  let stop = async () => {};
  try {
    const runtime = await resolveRuntime();
    stop = runtime.stop;
    if (command.takesDatabaseAsIs) {
      await command.run(input, { json }, cliPrincipal());
      return EXIT.ok;
    }
    const { migrate } = await import("@/lib/db/migrate");
    await migrate(runtime.databaseUrl);
    await command.run(input, { json }, cliPrincipal());
    // The CLI holds the master key too: it seals the events its command wrote, so the
    // chain is complete even when no server runs.
    const { sealAuditEvents } = await import("@/lib/domain/audit/seal");
    await sealAuditEvents().catch((error: unknown) => process.stderr.write(`certdoor: warning: ${error instanceof Error ? error.message : String(error)}\n`));
    return EXIT.ok;
  } catch (error) {
    return fail(error);
  } finally {
    const { closeDb } = await import("@/lib/db");
    await closeDb();
    await stop();
  }
}
