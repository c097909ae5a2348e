import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { type AppError, isAppError } from "@/lib/domain/errors";

// Output conventions of the CLI: JSON on stdout with --json, a readable line otherwise;
// errors on stderr with a non-zero exit: 2 for anything wrong with the invocation, 3 for a
// renewal not due yet, 1 for every refusal or failure.

export const EXIT = { ok: 0, failed: 1, usage: 2, notDue: 3 } as const;

/** Something wrong with the invocation itself; `command` names the command whose usage helps. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

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

/** A line on stderr that the command went ahead with something the operator may not have meant (stdout stays the result, --json or not). */
export function warn(message: string | null): void {
  if (message) process.stderr.write(`certdoor: warning: ${message}\n`);
}

/**
 * A value the domain's schema refused (the error names the fields): a wrong invocation too,
 * since nothing ran. Other validation_failed answers (no sealed event yet, …) are refusals.
 */
export function isSchemaRefusal(error: unknown): error is AppError {
  return isAppError(error) && error.code === "validation_failed" && (error.errors?.length ?? 0) > 0;
}

/** Writes the error to stderr and returns the exit code; `usageOf` gives a command's usage to show after a usage error. */
export function reportError(error: unknown, usageOf: (command: string) => string | undefined = () => undefined): number {
  if (error instanceof UsageError) {
    const usage = error.command ? usageOf(error.command) : undefined;
    process.stderr.write(`certdoor: ${error.message}\n${usage ? `\n${usage}\n` : "Run `certdoor help` for usage.\n"}`);
    return EXIT.usage;
  }
  if (isAppError(error) || error instanceof CliError) {
    process.stderr.write(`certdoor: ${error.code}: ${error.message}\n`);
    // "Not due yet" is its own exit code, so a daily timer can call `renew` blindly.
    return error.code === "renewal_too_early" ? EXIT.notDue : EXIT.failed;
  }
  process.stderr.write(`certdoor: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.failed;
}

/** Table-ish lines for humans. */
export function columns(rows: string[][]): string {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd()).join("\n");
}

/**
 * Writes a secret (a private key, a PKCS#12) as a new file of mode 0600 beside the target,
 * then renames it over: an existing file keeps its mode when written in place (a 0644
 * client.p12 stayed readable to all after `redeem --force`), and was briefly half-written.
 * `wx` refuses to follow anything already at the temporary name.
 */
export async function writeSecretFile(file: string, data: string | Uint8Array): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(8).toString("hex")}.tmp`);
  try {
    await writeFile(temporary, data, { mode: 0o600, flag: "wx" });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
