import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { e2eDataDir } from "../../playwright.config";
import "./db"; // resolves "server-only" for the lib modules imported below
import { freePort, type Instance, startInstance } from "./server";

// An app instance on a database of its own (in the suite's PostgreSQL): for a spec that
// changes an installation-wide setting, such as the second-factor policy, which would reach
// every spec running in parallel against the shared server.

export type IsolatedInstance = Instance & { origin: string; admin: { email: string; password: string }; query: <T extends pg.QueryResultRow>(sql: string, values?: unknown[]) => Promise<T[]> };

export async function startIsolatedInstance(): Promise<IsolatedInstance> {
  const port = await freePort();
  const config = JSON.parse(readFileSync(path.join(e2eDataDir, "postgres.json"), "utf8")) as { port: number; user: string; password: string };
  const server = `postgresql://${config.user}:${encodeURIComponent(config.password)}@127.0.0.1:${config.port}`;
  const name = `e2e_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: `${server}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const databaseUrl = `${server}/${name}`;
  const { migrate } = await import("@/lib/db/migrate");
  await migrate(databaseUrl);

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { hashPassword } = await import("@/lib/auth/password");
  const first = { email: "first-admin@example.test", password: "isolated admin password 1" };
  await client.query(`INSERT INTO "User" ("email", "role", "passwordHash", "updatedAt") VALUES ($1, 'admin', $2, now())`, [first.email, await hashPassword(first.password)]);

  const instance = await startInstance(port, { env: { DATABASE_URL: databaseUrl } });
  return {
    ...instance,
    // WebAuthn accepts localhost as a relying party, not 127.0.0.1.
    origin: `http://localhost:${port}`,
    admin: first,
    query: async (sql, values) => (await client.query(sql, values)).rows,
    stop: async () => {
      await instance.stop();
      await client.end();
    },
  };
}
