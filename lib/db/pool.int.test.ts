import pg from "pg";
import { describe, expect, it } from "vitest";
import { getPool } from "@/lib/db";

// A connection the pool has lent out (a Prisma interactive transaction between two statements,
// graphile-worker, the limiter) has no 'error' listener of pg-pool's: the pool removes its own
// on checkout. When PostgreSQL ends that connection (kill -9 of the postmaster, a restart,
// pg_terminate_backend), pg emits 'error' on the client and, with nobody listening, Node
// raises an uncaughtException: e2e/faults.spec.ts's server logged one in 1 of 20 runs.

describe("the process pool", () => {
  it("a lent-out connection that PostgreSQL terminates raises no uncaught exception", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    const client = await getPool().connect();
    try {
      const pid = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query("SELECT pg_terminate_backend($1)", [pid]);
      await admin.end();
      // The server's FATAL 57P01 and the socket's end reach the idle, lent-out client.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await expect(client.query("SELECT 1")).rejects.toThrow();
    } finally {
      client.release(true);
      process.off("uncaughtException", onUncaught);
    }
    expect(uncaught).toEqual([]);
    // The pool still serves: the broken connection was dropped, a fresh one answers.
    expect((await getPool().query<{ one: number }>("SELECT 1 AS one")).rows[0]!.one).toBe(1);
  });
});
