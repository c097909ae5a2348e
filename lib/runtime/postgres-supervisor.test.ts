import { describe, expect, it } from "vitest";
import { superviseRestarts } from "@/lib/runtime/postgres-supervisor";

// The restart policy alone (the real kill -9 is in faults.int.test.ts and e2e/faults.spec.ts):
// restarts after an exit, retries a failed start, and gives up, once, with a clear message.

function harness(startResults: (Error | null)[], options: { maxExits?: number } = {}) {
  const log: string[] = [];
  const gaveUp: string[] = [];
  let starts = 0;
  const supervisor = superviseRestarts({
    start: async () => {
      const result = startResults[starts++] ?? null;
      if (result) throw result;
    },
    log: (l) => log.push(l),
    giveUp: (m) => gaveUp.push(m),
    logFile: "/data/postgres.log",
    retryDelaysMs: [1, 1, 1],
    sleep: async () => {},
    ...options,
  });
  return { supervisor, log, gaveUp, starts: () => starts };
}

describe("the embedded PostgreSQL's supervisor", () => {
  it("starts PostgreSQL again after an unexpected exit, retrying a start that fails", async () => {
    const h = harness([new Error("PostgreSQL did not start: pre-existing shared memory block is still in use"), null]);
    h.supervisor.exited("killed by SIGKILL");
    await h.supervisor.idle();
    expect(h.starts()).toBe(2);
    expect(h.log).toEqual([
      "PostgreSQL stopped unexpectedly (killed by SIGKILL); restarting it. Requests answer 503 until it is back.",
      "PostgreSQL is back after 2 starts; it replayed its log, so no committed change is lost.",
    ]);
    expect(h.gaveUp).toEqual([]);
  });

  it("gives up once, naming the last reason and the log, when no start succeeds", async () => {
    const failing = new Error("PostgreSQL did not start: could not open file \"global/pg_control\": Permission denied");
    const h = harness([failing, failing, failing]);
    h.supervisor.exited("exit code 1");
    await h.supervisor.idle();
    expect(h.gaveUp).toEqual([`PostgreSQL stopped and did not start again after 3 tries (${failing.message}); its log is /data/postgres.log. Certdoor is stopping.`]);
  });

  it("gives up when PostgreSQL keeps stopping, rather than restart it forever", async () => {
    const h = harness([], { maxExits: 2 });
    for (let i = 0; i < 3; i++) {
      h.supervisor.exited(`killed by SIGKILL`);
      await h.supervisor.idle();
    }
    expect(h.starts()).toBe(2);
    expect(h.gaveUp).toHaveLength(1);
    expect(h.gaveUp[0]).toMatch(/^PostgreSQL stopped 3 times in 10 minutes \(last: killed by SIGKILL\); its log is \/data\/postgres\.log\./);
  });

  it("ignores exits once the launcher stops PostgreSQL itself", async () => {
    const h = harness([]);
    h.supervisor.stopping();
    h.supervisor.exited("exit code 0");
    await h.supervisor.idle();
    expect(h.starts()).toBe(0);
    expect(h.log).toEqual([]);
  });
});
