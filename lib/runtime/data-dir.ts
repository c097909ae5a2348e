import { randomBytes } from "node:crypto";
import { mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileExists } from "@/lib/runtime/file-exists";

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

/**
 * Makes the data folder and checks, by writing a file, that it can be written: a read-only
 * folder or a full disk is then one clear message at start, before PostgreSQL or a secret
 * fails halfway with an errno.
 */
export async function ensureDataDir(paths: DataPaths): Promise<void> {
  await withDataDirErrors(paths.root, async () => {
    // 0755: the postgres user (when we run as root) must be able to reach data/postgres.
    await makeDataDir(paths.root);
    const probe = path.join(paths.root, `.write-check-${process.pid}`);
    await writeFile(probe, "certdoor\n");
    await unlink(probe);
  });
}

/** What to tell a person for a file-system error on the data folder; undefined for other errors. */
export function dataDirProblem(dir: string, error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const elsewhere = "or set CERTDOOR_DATA_DIR to another folder";
  switch (code) {
    case "EROFS":
      return `The data folder ${dir} is on a read-only file system. Certdoor keeps its database and secrets there: make it writable, ${elsewhere}.`;
    case "EACCES":
    case "EPERM":
      return `Certdoor may not write to the data folder ${dir} (permission denied). Give the user running Certdoor write access, ${elsewhere}.`;
    case "ENOSPC":
    case "EDQUOT":
      return `The disk holding the data folder ${dir} is full (no space left on device). Free some space, ${elsewhere} on a disk with room.`;
    case "ENOTDIR":
      return `The data folder ${dir} cannot be made: a file is in the way of its path. Move the file, ${elsewhere}.`;
    default:
      return undefined;
  }
}

/**
 * mkdir -p, with the real reason when it fails: Node's recursive mkdir answers ENOENT for a
 * parent it could not create (on a read-only disk, say), so the first missing folder is made
 * once more on its own to get the error that names the cause.
 */
async function makeDataDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o755 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    let missing = dir;
    while (!(await fileExists(path.dirname(missing))) && path.dirname(missing) !== missing) missing = path.dirname(missing);
    await mkdir(missing, { mode: 0o755 });
    throw error;
  }
}

/** Runs fn, turning a file-system error on the data folder into one clear message. */
export async function withDataDirErrors<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const problem = dataDirProblem(dir, error);
    throw problem ? new Error(problem, { cause: error }) : error;
  }
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
