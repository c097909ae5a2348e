import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { requireEnv } from "@/lib/env";
import { logger } from "@/lib/observability/log";
import { PrismaClient } from "@/lib/generated/prisma/client";

// One connection pool and one Prisma client per process, sharing it (the rate limiter's
// PostgreSQL store uses the pool directly). In development Next re-evaluates modules on
// every change, so both are kept on globalThis to avoid opening a new pool each time.

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { certdoorDb?: PrismaClient; certdoorPool?: pg.Pool };

/** A listener that logs a failed connection as a warning: the outage shows as 503s, not as a stack. */
const connectionFailed = (what: string) => (error: Error) => logger("db").warn({ err: { message: error.message, code: (error as { code?: string }).code } }, what);

/** The process's pg pool. */
export function getPool(): pg.Pool {
  if (!globalForDb.certdoorPool) {
    // A connection that cannot be made in 15 s fails (503 `unavailable`) instead of queueing
    // the request until the database is back; pg's default waits forever. A database that is
    // down refuses at once; the limit is for one that accepts and then stalls. 5 s was too
    // short: a PostgreSQL sharing two cores with a burst of 10,000 requests (e2e/scale.spec.ts)
    // took longer than that to accept a connection now and then.
    const pool = new pg.Pool({ connectionString: requireEnv("DATABASE_URL"), max: 10, connectionTimeoutMillis: 15_000 });
    // An idle connection whose server went away (PostgreSQL restarted) emits an error on the
    // pool, which pg then drops from it. Without a listener Node would end the process.
    pool.on("error", connectionFailed("an idle database connection failed; the pool replaces it"));
    // pg-pool listens for errors only on idle connections and removes its listener while a
    // connection is lent out. A lent-out connection that PostgreSQL ends between two
    // statements (a restart, kill -9, pg_terminate_backend) then emits 'error' to nobody,
    // which Node turns into an uncaughtException. Its borrower still sees the failure on its
    // next query, and the pool drops the broken connection on release.
    pool.on("connect", (client) => client.on("error", connectionFailed("a database connection in use failed; its next statement fails")));
    globalForDb.certdoorPool = pool;
  }
  return globalForDb.certdoorPool;
}

export function getDb(): PrismaClient {
  // An interactive transaction may wait up to 10 s for a pooled connection (Prisma's default
  // is 2 s): under a burst, a short queue is better than a failed request.
  globalForDb.certdoorDb ??= new PrismaClient({ adapter: new PrismaPg(getPool()), transactionOptions: { maxWait: 10_000, timeout: 15_000 } });
  return globalForDb.certdoorDb;
}

/** Closes the client and the pool (CLI and tests; the server keeps them for its lifetime). */
export async function closeDb(): Promise<void> {
  const client = globalForDb.certdoorDb;
  const pool = globalForDb.certdoorPool;
  globalForDb.certdoorDb = undefined;
  globalForDb.certdoorPool = undefined;
  await client?.$disconnect();
  await pool?.end();
}
