// Keeps the embedded PostgreSQL running under `npm start`. When it exits without being asked
// to (killed, crashed, out of memory), the launcher starts it again: PostgreSQL replays its
// write-ahead log, so every committed transaction is there and none half-done. A start can
// fail for a moment after a kill (the old server's processes still hold its shared memory),
// so starts are retried with growing pauses. If it will not stay up (too many exits in a
// short time, or no start succeeds), the supervisor gives up with one clear message and the
// launcher stops Certdoor, rather than serving 503s forever.

export type SupervisorOptions = {
  /** Starts PostgreSQL and resolves once it accepts connections; rejects with why it did not. */
  start: () => Promise<void>;
  log: (line: string) => void;
  /** Called once, when PostgreSQL will not stay up; the launcher stops everything. */
  giveUp: (message: string) => void;
  /** Where PostgreSQL writes its log, for the messages. */
  logFile: string;
  /** Pauses between failed starts (ms); one start per entry. */
  retryDelaysMs?: number[];
  /** More unexpected exits than this within `windowMs` and the supervisor gives up. */
  maxExits?: number;
  windowMs?: number;
  sleep?: (ms: number) => Promise<void>;
};

export type Supervisor = {
  /** Report an exit of PostgreSQL; ignored once stopping. */
  exited: (how: string) => void;
  /** The launcher is stopping PostgreSQL itself: exits from now on are expected. */
  stopping: () => void;
  /** Settles when the current restart (if any) has finished, successfully or not. */
  idle: () => Promise<void>;
};

const DEFAULT_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000];

export function superviseRestarts(options: SupervisorOptions): Supervisor {
  const delays = options.retryDelaysMs ?? DEFAULT_DELAYS_MS;
  const maxExits = options.maxExits ?? 5;
  const windowMs = options.windowMs ?? 10 * 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const exits: number[] = [];
  let isStopping = false;
  let hasGivenUp = false;
  let restart: Promise<void> = Promise.resolve();

  const giveUp = (message: string) => {
    if (hasGivenUp || isStopping) return;
    hasGivenUp = true;
    options.giveUp(message);
  };

  async function restartWithRetries(how: string): Promise<void> {
    options.log(`PostgreSQL stopped unexpectedly (${how}); restarting it. Requests answer 503 until it is back.`);
    let lastError = "";
    for (const [attempt, delay] of delays.entries()) {
      if (isStopping) return;
      await sleep(delay);
      if (isStopping) return;
      try {
        await options.start();
        options.log(`PostgreSQL is back after ${attempt + 1} start${attempt === 0 ? "" : "s"}; it replayed its log, so no committed change is lost.`);
        return;
      } catch (error) {
        lastError = error instanceof Error && error.message ? error.message : String(error ?? "");
      }
    }
    giveUp(`PostgreSQL stopped and did not start again after ${delays.length} tries${lastError ? ` (${lastError})` : ""}; its log is ${options.logFile}. Certdoor is stopping.`);
  }

  return {
    exited(how) {
      if (isStopping || hasGivenUp) return;
      const now = Date.now();
      exits.push(now);
      while (exits.length > 0 && exits[0]! < now - windowMs) exits.shift();
      if (exits.length > maxExits) {
        giveUp(`PostgreSQL stopped ${exits.length} times in ${Math.round(windowMs / 60_000)} minutes (last: ${how}); its log is ${options.logFile}. Certdoor is stopping rather than restart it again.`);
        return;
      }
      restart = restart.then(() => restartWithRetries(how));
    },
    stopping() {
      isStopping = true;
    },
    idle: () => restart,
  };
}
