import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

// The ./data folder of the embedded default: PostgreSQL's cluster, its remembered port and
// credentials, and the secrets generated on first start (mode 0600, never printed).

export type DataPaths = {
  root: string;
  /** Parent of the cluster; owned by the postgres user when running as root. */
  postgresParent: string;
  cluster: string;
  postgresConfig: string;
  postgresLog: string;
  authSecret: string;
  masterKey: string;
};

export function dataPaths(dataDir: string): DataPaths {
  const root = path.resolve(dataDir);
  return {
    root,
    postgresParent: path.join(root, "postgres"),
    cluster: path.join(root, "postgres", "cluster"),
    postgresConfig: path.join(root, "postgres.json"),
    postgresLog: path.join(root, "postgres.log"),
    authSecret: path.join(root, "auth-secret"),
    masterKey: path.join(root, "master-key"),
  };
}

export async function ensureDataDir(paths: DataPaths): Promise<void> {
  // 0755: the postgres user (when we run as root) must be able to reach data/postgres.
  await mkdir(paths.root, { recursive: true, mode: 0o755 });
}

/** Reads a secret file, or creates it with `bytes` random bytes (base64) and mode 0600. */
export async function readOrCreateSecret(file: string, bytes = 32): Promise<{ value: string; created: boolean }> {
  try {
    const value = (await readFile(file, "utf8")).trim();
    if (value) return { value, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const value = randomBytes(bytes).toString("base64");
  // "wx": never overwrite a secret another process wrote a moment ago.
  try {
    await writeFile(file, `${value}\n`, { mode: 0o600, flag: "wx" });
    return { value, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readOrCreateSecret(file, bytes);
    throw error;
  }
}
