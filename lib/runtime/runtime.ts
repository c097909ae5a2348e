import { applyRuntime, env } from "@/lib/env";
import { dataPaths, ensureDataDir, readOrCreateSecret, withDataDirErrors } from "@/lib/runtime/data-dir";
import { startEmbeddedPostgres } from "@/lib/runtime/embedded-postgres";

// Resolves what the server and the CLI need before any database code loads: the database
// URL (an embedded PostgreSQL when DATABASE_URL is unset) and the two secrets (generated
// once into ./data unless configured). Production with an external database must be
// configured explicitly, so a lost ./data folder can never silently rotate the master key.

export type Runtime = {
  databaseUrl: string;
  authSecret: string;
  masterKey: string;
  isEmbedded: boolean;
  stop: () => Promise<void>;
};

export class ConfigurationError extends Error {}

/** onGiveUp: the launcher supervises the embedded PostgreSQL (lib/runtime/postgres-supervisor.ts). */
export async function resolveRuntime(options: { log?: (line: string) => void; warn?: (line: string) => void; onGiveUp?: (message: string) => void } = {}): Promise<Runtime> {
  const paths = dataPaths(env.CERTDOOR_DATA_DIR);
  const isEmbedded = !env.DATABASE_URL;
  if (!isEmbedded && env.NODE_ENV === "production") {
    for (const name of ["AUTH_SECRET", "CERTDOOR_MASTER_KEY"] as const) {
      if (!env[name]) {
        throw new ConfigurationError(
          `${name} must be set when NODE_ENV=production and DATABASE_URL points at an external database.`,
        );
      }
    }
  }

  await ensureDataDir(paths);
  const authSecret = env.AUTH_SECRET ?? (await withDataDirErrors(paths.root, () => readOrCreateSecret(paths.authSecret))).value;
  const masterKey = env.CERTDOOR_MASTER_KEY ?? (await withDataDirErrors(paths.root, () => readOrCreateSecret(paths.masterKey))).value;

  let databaseUrl = env.DATABASE_URL;
  let stop = async () => {};
  if (!databaseUrl) {
    const database = await withDataDirErrors(paths.root, () => startEmbeddedPostgres(paths, options));
    databaseUrl = database.url;
    stop = database.stop;
  }

  applyRuntime({ DATABASE_URL: databaseUrl, AUTH_SECRET: authSecret, CERTDOOR_MASTER_KEY: masterKey });
  return { databaseUrl, authSecret, masterKey, isEmbedded, stop };
}
