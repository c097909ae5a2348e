import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import pino from "pino";

// `next build` as the launcher runs it: never reporting usage, and, when the output goes to
// a log pipeline rather than a person, as JSON lines like every other line Certdoor writes
// (its ~90 plain lines of routes and sizes broke parsers that expect one JSON object a line).

/** Next.js reports usage to Vercel unless told not to; a self-hosted CA reports nothing anywhere. */
export const NO_TELEMETRY = { NEXT_TELEMETRY_DISABLED: "1" } as const;

// Colour and cursor codes: Next.js colours its output when it believes it may.
const CONTROL_SEQUENCES = /\x1b\[[0-9;?]*[A-Za-z]|\r/g;

/** Each non-blank line of `stream`, without colour codes, to `write`; resolves at its end. */
export async function eachLine(stream: Readable, write: (line: string) => void): Promise<void> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on("line", (raw) => {
    const line = raw.replace(CONTROL_SEQUENCES, "").trimEnd();
    if (line.trim()) write(line);
  });
  await once(lines, "close");
}

/** The build's own JSON lines: component "build", the same fields as the launcher's. */
export function buildLogger(level: string, destination: pino.DestinationStream = pino.destination({ sync: true })): pino.Logger {
  return pino({ level, base: { pid: process.pid, component: "build" }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

export type BuildRun = {
  /** The program and its arguments: node and Next.js's bin with "build". */
  command: readonly [string, ...string[]];
  /** A person is watching: Next.js prints as it likes. Otherwise its lines become JSON. */
  isTerminal: boolean;
  env: NodeJS.ProcessEnv;
  log: pino.Logger;
};

/** Runs the build and resolves to its exit code. Its stderr (warnings, errors) logs at warn. */
export async function runNextBuild({ command: [program, ...args], isTerminal, env, log }: BuildRun): Promise<number> {
  const child = spawn(program, args, { stdio: isTerminal ? "inherit" : ["ignore", "pipe", "pipe"], env: { ...env, ...NO_TELEMETRY } });
  const closed = once(child, "close") as Promise<[number | null, NodeJS.Signals | null]>;
  if (!isTerminal) await Promise.all([eachLine(child.stdout!, (line) => log.info(line)), eachLine(child.stderr!, (line) => log.warn(line))]);
  const [code] = await closed;
  return code ?? 1;
}
