import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Logger, runMigrations } from "graphile-worker";
import pg from "pg";

// Applies prisma/migrations/*/migration.sql the way `prisma migrate deploy` does, without
// Prisma's native schema engine (it cannot be installed on these machines). Each migration
// is recorded in _prisma_migrations with the same columns and checksum Prisma uses, so
// `prisma migrate status` and `deploy` on a connected machine agree with this runner.

/** Prisma Migrate's own advisory lock key: this runner and `prisma migrate deploy` exclude each other. */
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export type Migration = { name: string; sql: string; checksum: string };
export type MigrateResult = { applied: string[]; alreadyApplied: string[] };

export class MigrationError extends Error {}

/** Prisma's checksum: SHA-256 of the script, hex. */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

/** Whether a script matches a recorded checksum, tolerating CRLF/LF conversion as Prisma does. */
export function scriptMatchesChecksum(sql: string, checksum: string): boolean {
  const variants = [sql, sql.replace(/\r\n/g, "\n"), sql.replace(/\r?\n/g, "\r\n")];
  return variants.some((v) => migrationChecksum(v) === checksum);
}

export const defaultMigrationsDir = path.resolve(process.cwd(), "prisma", "migrations");

/** Reads the migrations folder in Prisma's order (folder names sort by their timestamp). */
export async function readMigrations(dir = defaultMigrationsDir): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
    migrations.push({ name, sql, checksum: migrationChecksum(sql) });
  }
  return migrations;
}

type AppliedRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
};

/**
 * Applies every pending migration, each in its own transaction, under an advisory lock so
 * that several instances starting at once migrate exactly once.
 */
export async function migrate(
  databaseUrl: string,
  options: { dir?: string; log?: (line: string) => void; upTo?: string } = {},
): Promise<MigrateResult> {
  const migrations = await readMigrations(options.dir);
  // A restore first brings an empty database to the backup's schema, not to the newest one.
  const stopAt = options.upTo === undefined ? migrations.length - 1 : migrations.findIndex((m) => m.name === options.upTo);
  if (options.upTo !== undefined && stopAt < 0) throw new MigrationError(`Migration ${options.upTo} is not in prisma/migrations.`);
  const log = options.log ?? (() => {});
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at
           FROM "_prisma_migrations" ORDER BY started_at ASC`,
      );
      const live = rows.filter((r) => r.rolled_back_at === null);

      const failed = live.find((r) => r.finished_at === null);
      if (failed) {
        throw new MigrationError(
          `Migration ${failed.migration_name} failed earlier and was not rolled back. ` +
            `Fix the database, then mark it with \`prisma migrate resolve\`.`,
        );
      }

      const known = new Map(migrations.map((m) => [m.name, m]));
      for (const row of live) {
        const local = known.get(row.migration_name);
        if (!local) {
          throw new MigrationError(
            `Migration ${row.migration_name} is applied to the database but missing from prisma/migrations. ` +
              `This code is older than the database; deploy the newer code.`,
          );
        }
        if (!scriptMatchesChecksum(local.sql, row.checksum)) {
          throw new MigrationError(
            `Migration ${row.migration_name} was modified after it was applied ` +
              `(checksum ${local.checksum} differs from the recorded ${row.checksum}). ` +
              `Restore the original migration.sql and put the change in a new migration.`,
          );
        }
      }

      const appliedNames = new Set(live.map((r) => r.migration_name));
      const result: MigrateResult = { applied: [], alreadyApplied: [...appliedNames] };
      for (const migration of migrations.slice(0, stopAt + 1)) {
        if (appliedNames.has(migration.name)) continue;
        await applyOne(client, migration);
        result.applied.push(migration.name);
        log(`applied migration ${migration.name}`);
      }
      await installJobQueue(databaseUrl);
      return result;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function applyOne(client: pg.Client, migration: Migration): Promise<void> {
  const id = randomUUID();
  await client.query("BEGIN");
  try {
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${reason}`);
  }
}

/** graphile-worker says only what goes wrong while it installs its schema. */
const quietLogger = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning") console.warn(`[job-queue] ${message}`);
});

/**
 * graphile-worker's own schema (its versioned, idempotent migrations), installed under the
 * same lock after ours: the webhook trigger on AuditEvent queues into it, so every database
 * migrated here (the server's, the CLI's, the tests' template) has it before a webhook exists.
 */
async function installJobQueue(databaseUrl: string): Promise<void> {
  await runMigrations({ connectionString: databaseUrl, maxPoolSize: 1, logger: quietLogger });
}
