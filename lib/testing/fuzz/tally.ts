// What a fuzzing run saw: how often each outcome came up and the slowest single call. Tests
// assert on outcomes only; the bench prints the whole tally (speed is measured, not asserted).

export class Tally {
  readonly counts = new Map<string, number>();
  slowestMs = 0;
  /** The input of the slowest call, kept so a slow case can be looked at (bench/fuzz-parsers.ts saves it). */
  slowestInput: unknown;

  /** Runs `fn` on `input`, records the outcome it names and how long it took, and returns the outcome. */
  time<T extends string>(fn: () => T, input?: unknown): T {
    const started = performance.now();
    const outcome = fn();
    this.add(outcome, performance.now() - started, input);
    return outcome;
  }

  add(outcome: string, ms = 0, input?: unknown): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
    if (ms > this.slowestMs) [this.slowestMs, this.slowestInput] = [ms, input];
  }

  toJSON() {
    return { outcomes: Object.fromEntries([...this.counts].sort(([, a], [, b]) => b - a)), slowestMs: Math.round(this.slowestMs * 10) / 10 };
  }
}

/**
 * A property with a name and the tally it fills, so tests and bench/ run the same checks at
 * different sizes. `check` throws fast-check's report (seed, path, counterexample) on failure.
 */
export type NamedProperty = { name: string; tally: Tally; check: (options: { numRuns: number; seed: number }) => void | Promise<void> };
