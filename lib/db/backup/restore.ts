import pg from "pg";
import { appliedMigrations, isBackedUp, listTables, TEXT_FORM_SETTINGS } from "@/lib/db/backup/catalog";
import { checkBackup } from "@/lib/db/backup/check";
import { BackupError, type BackupHeader } from "@/lib/db/backup/format";
import { countKeyReferences } from "@/lib/db/backup/key-references";
import { loadBackup, notEmpty, tablesWithRows } from "@/lib/db/backup/load";
import { migrate } from "@/lib/db/migrate";

// `certdoor restore`: into an empty database only. In order: read the whole file and refuse
// it if anything is wrong (nothing touched yet); refuse a database with rows, or one whose
// schema is past the backup's; migrate it to exactly the backup's migration, so the rows fit
// the tables they came from; load everything in one transaction; then apply the migrations
// that are newer than the backup, as an upgrade would have.

/** keyReferences: how many restored CA keys are references to a PKCS#11 token (which must hold them). */
export type RestoreResult = { header: BackupHeader; appliedAfter: string[]; keyReferences: number };

async function assertRestorable(client: pg.ClientBase, header: BackupHeader): Promise<void> {
  const tables = (await listTables(client)).map((t) => t.name).filter(isBackedUp);
  const found = await tablesWithRows(client, tables);
  if (found.length > 0) throw notEmpty(found);
  const applied = await appliedMigrations(client);
  const isBehindBackup = applied.every((m, i) => header.migrations[i]?.name === m.name);
  if (!isBehindBackup) {
    throw new BackupError(
      "backup_incompatible",
      `The database has no rows, but its schema is at migration ${applied.at(-1)?.name}, past the backup's ${header.migrations.at(-1)?.name}: ` +
        "restore into a database no newer Certdoor has migrated (a new one), and nothing was changed.",
    );
  }
}

/** Restores a backup file into the (empty) database at `databaseUrl`. */
export async function restoreBackup(databaseUrl: string, file: string, options: { masterKey?: string; migrationsDir?: string } = {}): Promise<RestoreResult> {
  const header = await checkBackup(file, options);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let keyReferences = 0;
  try {
    await client.query(TEXT_FORM_SETTINGS);
    await assertRestorable(client, header);
    await migrate(databaseUrl, { dir: options.migrationsDir, upTo: header.migrations.at(-1)!.name });
    await loadBackup(client, file, header);
    keyReferences = await countKeyReferences(client);
  } finally {
    await client.end().catch(() => {});
  }
  const { applied } = await migrate(databaseUrl, { dir: options.migrationsDir });
  return { header, appliedAfter: applied, keyReferences };
}
