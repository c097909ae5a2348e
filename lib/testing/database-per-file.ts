import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, inject } from "vitest";

// Runs before each integration test file loads its modules: clones the migrated template
// into a database of the file's own and points DATABASE_URL at it, so files can run in
// parallel without seeing each other's rows.

const adminUrl = inject("postgresAdminUrl");
const name = `t_${randomBytes(6).toString("hex")}`;

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject("templateDatabase")}`);
await admin.end();

const url = adminUrl.replace(/\/postgres$/, `/${name}`);
process.env.DATABASE_URL = url;
process.env.AUTH_SECRET ??= "test-auth-secret-test-auth-secret-0000";
process.env.CERTDOOR_MASTER_KEY ??= randomBytes(32).toString("base64");
process.env.CERTDOOR_TEST_ADMIN_URL = adminUrl;
process.env.CERTDOOR_CLIENT_IP_SECRET ??= randomBytes(32).toString("base64url");

afterAll(async () => {
  const { closeDb } = await import("@/lib/db");
  await closeDb();
});
