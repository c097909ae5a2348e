import pino from "pino";
import pretty from "pino-pretty";
import { env } from "@/lib/env";

// The app's structured log: JSON lines (pino) with the time, level and a `component`;
// human-readable when stdout is a terminal. bin/observe.mjs writes the per-request lines
// with the same shape. Secrets never go in: callers log ids, codes and hints only.

const globalForLog = globalThis as unknown as { certdoorLog?: pino.Logger };

export const log: pino.Logger = (globalForLog.certdoorLog ??= pino(
  { level: env.LOG_LEVEL, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
  process.stdout.isTTY ? pretty({ colorize: true, sync: true }) : pino.destination({ sync: true }),
));

/** A logger for one part of the app: its lines carry `component`. */
export const logger = (component: string) => log.child({ component });
