import { type Migration, readMigrations, scriptMatchesChecksum } from "@/lib/db/migrate";
import { BackupError, type BackupHeader, readBackup } from "@/lib/db/backup/format";
import { MasterKeyError, open, parseMasterKey } from "@/lib/domain/keys";

// Everything restore can check before it changes anything: the file is intact (its SHA-256
// and row counts), its schema is one this Certdoor's migrations reach, and this process's
// master key opens what the backup sealed under the old installation's. The last one
// matters most on a new machine: the embedded default generates a fresh master key on first
// use, and a restore under it would leave CAs that can never sign again.

/**
 * Columns sealed under CERTDOOR_MASTER_KEY (AES-256-GCM, the row's id, or `aad` of it, as
 * associated data). A CA whose key is in an HSM has none (null): the first row that has one
 * is the sample.
 */
const SEALED_COLUMNS: { table: string; column: string; what: string; key?: string; aad?: (id: string) => string }[] = [
  { table: "CertificateAuthority", column: "encryptedPrivateKey", what: "CA private keys" },
  { table: "PendingIssuingCa", column: "encryptedPrivateKey", what: "pending issuing CA keys (certdoor ca csr)" },
  { table: "ScepRaCertificate", column: "encryptedPrivateKey", key: "caId", what: "SCEP RA keys", aad: (caId) => `scep-ra:${caId}` },
  { table: "Webhook", column: "encryptedSecret", what: "webhook signing secrets" },
];

type Sample = { id: string; sealed: string; what: string };

/** The backup's migrations must be this Certdoor's first ones, unchanged. */
export function checkMigrations(header: BackupHeader, local: Migration[]): void {
  const newest = header.migrations.at(-1)!.name;
  header.migrations.forEach((taken, i) => {
    const mine = local[i];
    if (mine?.name !== taken.name) {
      throw new BackupError(
        "backup_incompatible",
        `The backup was taken at migration ${newest} (Certdoor ${header.certdoorVersion}), which this Certdoor's migrations do not lead to (it has ${local.at(-1)?.name ?? "none"}): restore it with that Certdoor version or a newer one.`,
      );
    }
    if (!scriptMatchesChecksum(mine.sql, taken.checksum)) {
      throw new BackupError("backup_incompatible", `Migration ${taken.name} here is not the one the backup's installation applied (their checksums differ): restore it with the Certdoor it was taken with.`);
    }
  });
}

function checkMasterKey(samples: Sample[], masterKey: string): void {
  let key: Buffer;
  try {
    key = parseMasterKey(masterKey);
  } catch (error) {
    throw new BackupError("master_key_mismatch", error instanceof MasterKeyError ? error.message : String(error));
  }
  for (const sample of samples) {
    try {
      open(sample.sealed, sample.id, key);
    } catch {
      throw new BackupError(
        "master_key_mismatch",
        `This CERTDOOR_MASTER_KEY does not open the backup's ${sample.what}: it is not the master key of the installation the backup was taken from. ` +
          "Give restore that key (set CERTDOOR_MASTER_KEY, or for the embedded default copy the old installation's master-key file into CERTDOOR_DATA_DIR, replacing the one made here) and run it again; nothing was changed.",
      );
    }
  }
}

/** Reads the whole backup once, refusing it if anything is wrong; returns its header. */
export async function checkBackup(file: string, options: { masterKey?: string; migrationsDir?: string } = {}): Promise<BackupHeader> {
  let header: BackupHeader | undefined;
  const samples: Sample[] = [];
  let sampling: { id: number; sealed: number; what: string; aad: (id: string) => string } | undefined;
  for await (const entry of readBackup(file, (h) => (header = h))) {
    if (entry.kind === "section") {
      const section = entry.section;
      const sealed = section.section === "table" ? SEALED_COLUMNS.find((s) => s.table === section.name) : undefined;
      const names = section.section === "table" ? section.columns.map((c) => c.name) : [];
      sampling = sealed ? { id: names.indexOf(sealed.key ?? "id"), sealed: names.indexOf(sealed.column), what: sealed.what, aad: sealed.aad ?? ((id) => id) } : undefined;
      continue;
    }
    // One sealed value per table proves the key: a wrong key fails AES-GCM's tag on every row.
    if (!sampling || sampling.id < 0 || sampling.sealed < 0) continue;
    const { id: idAt, sealed: sealedAt, what, aad } = sampling;
    const row = entry.rows.find((r) => r[idAt] && r[sealedAt]);
    if (row) {
      samples.push({ id: aad(row[idAt]!), sealed: row[sealedAt]!, what });
      sampling = undefined;
    }
  }
  const checked = header!;
  checkMigrations(checked, await readMigrations(options.migrationsDir));
  if (options.masterKey !== undefined) checkMasterKey(samples, options.masterKey);
  return checked;
}
