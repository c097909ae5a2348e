import { access } from "node:fs/promises";
import path from "node:path";
import { writeBackup } from "@/lib/db/backup/export";
import { BackupError, type BackupHeader } from "@/lib/db/backup/format";
import { restoreBackup } from "@/lib/db/backup/restore";
import { requireEnv } from "@/lib/env";
import { CliError, print, UsageError } from "../io";
import { type Command, defineCommand } from "./shared";

// `certdoor backup --out FILE` and `certdoor restore FILE` (lib/db/backup/ does the work).
// Refusals keep their code on the one stderr line (database_not_empty, backup_invalid, …).

const coded = <T>(work: Promise<T>): Promise<T> =>
  work.catch((error: unknown) => {
    throw error instanceof BackupError ? new CliError(error.code, error.message) : error;
  });

/** The line a backup or restore adds when CA keys are in a PKCS#11 token (none otherwise). */
function keyReferenceNote(count: number, restored: boolean): string[] {
  if (count === 0) return [];
  const keys = count === 1 ? "CA key is" : "CA keys are";
  return restored
    ? [`${count} restored ${count === 1 ? "CA key is a reference" : "CA keys are references"} to a PKCS#11 token: the restored CAs sign with whatever token CA_KEY_STORE points to, which must hold ${count === 1 ? "that key" : "those keys"} (restore the HSM's own backup there first).`]
    : [`${count} ${keys} in a PKCS#11 token: this backup holds only ${count === 1 ? "its reference, not the key" : "their references, not the keys"}. Backing up the token is yours, with the HSM's own means.`];
}

function summary(header: BackupHeader) {
  const rows = header.tables.reduce((sum, t) => sum + t.rows, 0);
  return `${rows.toLocaleString("en")} rows in ${header.tables.length} tables and ${header.jobs} queued jobs, at migration ${header.migrations.at(-1)!.name}`;
}

export const backupCommands: Record<string, Command> = {
  backup: defineCommand({
    summary: "Writes the whole database to FILE (gzipped JSON lines) while Certdoor runs. The master key is not in it: keep it apart.",
    options: { out: { type: "string", value: "FILE", help: "where to write the backup", required: true } },
    takesDatabaseAsIs: true,
    async run({ values }, out) {
      const file = path.resolve(values.out);
      const header = await coded(writeBackup(requireEnv("DATABASE_URL"), file));
      print(out, { file, ...header }, () =>
        [
          `Backed up ${summary(header)} to ${file} (SHA-256 of its content ${header.sha256.slice(0, 16)}…).`,
          "The master key is not in it: keep CERTDOOR_MASTER_KEY (for the embedded default, the master-key file in the data folder) safe, and apart from the backup.",
          ...keyReferenceNote(header.keyReferences, false),
        ].join("\n"),
      );
    },
  }),
  restore: defineCommand({
    summary: "Loads a backup into an empty database (refuses one with rows), with the master key it was taken under.",
    positionals: [{ name: "FILE", help: "the backup file `certdoor backup` wrote" }],
    options: {},
    takesDatabaseAsIs: true,
    async run({ positionals }, out) {
      const file = path.resolve(positionals[0]!);
      await access(file).catch(() => {
        throw new UsageError(`cannot read the backup file ${file}`);
      });
      const { header, appliedAfter, keyReferences } = await coded(restoreBackup(requireEnv("DATABASE_URL"), file, { masterKey: requireEnv("CERTDOOR_MASTER_KEY") }));
      const newer = appliedAfter.length > 0 ? ` Then applied the newer migrations ${appliedAfter.join(", ")}.` : "";
      print(out, { file, takenAt: header.createdAt, certdoorVersion: header.certdoorVersion, migration: header.migrations.at(-1)!.name, appliedAfter, tables: header.tables, jobs: header.jobs, keyReferences }, () =>
        [`Restored ${summary(header)} from ${file} (taken ${header.createdAt} by Certdoor ${header.certdoorVersion}).${newer}`, ...keyReferenceNote(keyReferences, true)].join("\n"),
      );
    },
  }),
};
