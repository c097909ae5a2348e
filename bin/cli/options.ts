import { type ParseArgsConfig, parseArgs } from "node:util";
import type { Principal } from "@/lib/domain/access/principal";
import { type Output, UsageError } from "./io";

// Each command declares its options once, in a table; the parser, the checks (required,
// choices, positionals) and the help text are all read from that table, so a flag cannot
// work without being documented, or be documented without working. No domain imports:
// the standalone redeem tool (lib/tools/) bundles this file.

type StringOption = {
  type: "string";
  /** The placeholder in usage lines: URL, ID, DIR, … (choices replace it). */
  value: string;
  help: string;
  required?: boolean;
  default?: string;
  choices?: readonly string[];
  multiple?: boolean;
};
type BooleanOption = { type: "boolean"; help: string };
export type Option = StringOption | BooleanOption;
export type Options = Record<string, Option>;
export type Positional = { name: string; help: string };

type ValueOf<O extends Option> = O extends BooleanOption
  ? boolean
  : O extends { multiple: true }
    ? string[]
    : (O extends { choices: readonly (infer C)[] } ? C : string) | (O extends { required: true } | { default: string } ? never : undefined);
export type Values<O extends Options> = { [K in keyof O]: ValueOf<O[K]> };
export type Input<O extends Options> = { values: Values<O>; positionals: string[] };

export type Command<O extends Options = Options> = {
  summary: string;
  /** Required positional arguments, in order (nothing else may stand without a flag). */
  positionals?: readonly Positional[];
  options: O;
  /** Lines after the options: exit codes beyond 0/1/2, examples. */
  notes?: readonly string[];
  /** false for commands that only talk HTTP (redeem): no database is started or joined. */
  needsDatabase?: boolean;
  /** backup and restore: the database is neither migrated nor sealed first (backup reads it as it is; restore migrates in its own order). */
  takesDatabaseAsIs?: boolean;
  /** Checks between values that the table cannot say; runs before any database is started. Throws UsageError. */
  check?: (input: Input<O>) => void;
  run: (input: Input<O>, out: Output, principal: Principal) => Promise<void>;
};

/** Keeps the option table's literal types for `run` while storing every command alike. */
export const defineCommand = <const O extends Options>(command: Command<O>): Command => command as unknown as Command;

/** Options every command takes. */
export const GLOBAL_OPTIONS = {
  json: { type: "boolean", help: "print JSON on stdout instead of text" },
  help: { type: "boolean", help: "print this help and exit" },
} as const satisfies Options;

const flagOf = (name: string, option: Option) => {
  if (option.type === "boolean") return `--${name}`;
  return `--${name} ${option.choices ? option.choices.join("|") : option.value}${option.multiple ? "…" : ""}`;
};

/** `certdoor redeem --server URL … [--key ec-p256|…]`: one line, the whole syntax. `invocation` is what runs it: `certdoor redeem`. */
export function usageLine(invocation: string, command: Command): string {
  const words = [invocation, ...(command.positionals ?? []).map((p) => p.name)];
  for (const [flag, option] of Object.entries(command.options)) {
    const text = flagOf(flag, option);
    words.push(option.type === "string" && option.required ? text : `[${text}]`);
  }
  return words.join(" ");
}

/** The full help of one command: usage, what it does, every argument and option. */
export function helpText(invocation: string, command: Command): string {
  const rows: [string, string][] = [
    ...(command.positionals ?? []).map((p): [string, string] => [p.name, p.help]),
    ...Object.entries(command.options).map(([flag, option]): [string, string] => {
      const extra = option.type === "string" ? [option.required ? "required" : "", option.default ? `default ${option.default}` : ""].filter(Boolean) : [];
      return [flagOf(flag, option), extra.length > 0 ? `${option.help} (${extra.join(", ")})` : option.help];
    }),
    ["--json", GLOBAL_OPTIONS.json.help],
    ["-h, --help", GLOBAL_OPTIONS.help.help],
  ];
  const width = Math.min(40, Math.max(...rows.map(([left]) => left.length)));
  const table = rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`.trimEnd());
  return [`Usage: ${usageLine(invocation, command)}`, "", command.summary, "", command.positionals?.length ? "Arguments and options:" : "Options:", ...table, ...(command.notes?.length ? ["", ...command.notes] : [])].join("\n");
}

function parseError(name: string, error: unknown): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const quoted = /'(-[^' ]+)/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return new UsageError(`${name}: unknown option ${quoted}`, name);
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && /argument missing/.test(message)) return new UsageError(`${name}: ${quoted} needs a value`, name);
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return new UsageError(`${name}: ${quoted} takes no value`, name);
  return new UsageError(`${name}: ${message}`, name);
}

/** Parses and checks `args` against the command's table; anything wrong is a UsageError (exit 2). */
export function parseInput(name: string, command: Command, args: string[]): Input<Options> & { json: boolean } {
  const all: Options = { ...command.options, ...GLOBAL_OPTIONS };
  const config: ParseArgsConfig["options"] = Object.fromEntries(
    Object.entries(all).map(([flag, option]) => [flag, option.type === "string" ? { type: "string", multiple: option.multiple === true } : { type: "boolean" }]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: config, allowPositionals: true, strict: true });
  } catch (error) {
    throw parseError(name, error);
  }
  const values: Record<string, unknown> = {};
  for (const [flag, option] of Object.entries(command.options)) {
    const given = parsed.values[flag];
    if (option.type === "boolean") {
      values[flag] = given === true;
      continue;
    }
    if (option.multiple) {
      values[flag] = (given as string[] | undefined) ?? [];
      continue;
    }
    const value = (given as string | undefined) || option.default;
    if (option.required && !value) throw new UsageError(`${name}: --${flag} is required (${option.help})`, name);
    if (value !== undefined && option.choices && !option.choices.includes(value)) throw new UsageError(`${name}: --${flag} takes ${option.choices.join(", ")}, not ${value}`, name);
    values[flag] = value;
  }
  const expected = command.positionals ?? [];
  const missing = expected[parsed.positionals.length];
  if (missing) throw new UsageError(`${name}: ${missing.name} is missing (${missing.help})`, name);
  const extra = parsed.positionals[expected.length];
  if (extra !== undefined) throw new UsageError(`${name}: unexpected argument ${extra}`, name);
  const input = { values: values as Values<Options>, positionals: parsed.positionals };
  command.check?.(input);
  return { ...input, json: parsed.values.json === true };
}
