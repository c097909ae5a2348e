import { isAppError } from "@/lib/domain/errors";

// Output conventions of the CLI: JSON on stdout with --json, a readable line otherwise;
// errors on stderr with a non-zero exit (2 for usage, 3 for a renewal not due yet, 1 for
// everything else).

export class UsageError extends Error {}

/** A failure with a code, from a command that talks to a server (the server's contract code). */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type Output = { json: boolean };

export function print(out: Output, value: unknown, human: () => string): void {
  process.stdout.write(out.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

export function reportError(error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`certdoor: ${error.message}\nRun \`certdoor help\` for usage.\n`);
    return 2;
  }
  if (isAppError(error) || error instanceof CliError) {
    process.stderr.write(`certdoor: ${error.code}: ${error.message}\n`);
    // "Not due yet" is its own exit code, so a daily timer can call `renew` blindly.
    return error.code === "renewal_too_early" ? 3 : 1;
  }
  process.stderr.write(`certdoor: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

/** Table-ish lines for humans. */
export function columns(rows: string[][]): string {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd()).join("\n");
}
