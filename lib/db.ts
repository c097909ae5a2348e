import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { requireEnv } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";

// One Prisma client per process. In development Next re-evaluates modules on every
// change, so the client is kept on globalThis to avoid opening a new pool each time.

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { certdoorDb?: PrismaClient };

function createClient(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: requireEnv("DATABASE_URL"), max: 10 });
  return new PrismaClient({ adapter });
}

export function getDb(): PrismaClient {
  globalForDb.certdoorDb ??= createClient();
  return globalForDb.certdoorDb;
}

/** Closes the pool (CLI and tests; the server keeps it for its lifetime). */
export async function closeDb(): Promise<void> {
  const client = globalForDb.certdoorDb;
  globalForDb.certdoorDb = undefined;
  await client?.$disconnect();
}
