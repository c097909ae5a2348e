import { spawnSync } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { dataPaths, ensureDataDir } from "@/lib/runtime/data-dir";
import { startEmbeddedPostgres } from "@/lib/runtime/embedded-postgres";

// Faults of the machine under the embedded default (issue 12.5): a read-only data folder or
// a full disk at start is one clear message and exit code 1, never a stack; PostgreSQL killed
// with SIGKILL is started again by its supervisor, with every committed row still there.
//
// The disks are tmpfs mounts in a mount namespace of their own (unshare), so nothing of the
// machine's is touched and they vanish with the process. As root (CI) that needs nothing
// more; otherwise a user namespace maps us to root inside it, when the kernel allows.

const root = path.resolve(import.meta.dirname, "..", "..");
const isRoot = process.getuid?.() === 0;
const unshare = isRoot ? ["--mount"] : ["--mount", "--map-root-user"];
const canMount = spawnSync("unshare", [...unshare, "sh", "-c", "mount -t tmpfs tmpfs /mnt"], { encoding: "utf8" }).status === 0;

/** `npm start` with its data folder at `dataDir`, inside a mount namespace where `mountScript` ran first (with $1 = mountpoint). */
function startOnDisk(mountpoint: string, dataDir: string, mountScript: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, CERTDOOR_DATA_DIR: dataDir, PORT: "39999", NODE_ENV: "production" };
  for (const name of ["DATABASE_URL", "AUTH_SECRET", "CERTDOOR_MASTER_KEY"]) delete env[name];
  const run = spawnSync("unshare", [...unshare, "sh", "-c", `${mountScript} && exec "$2" --conditions=react-server bin/start.mjs`, "sh", mountpoint, process.execPath], { cwd: root, env, encoding: "utf8", timeout: 60_000 });
  const errorLines = run.stderr.trim().split("\n").filter(Boolean);
  return { status: run.status, errorLines, output: `${run.stdout}\n${run.stderr}` };
}

const noStack = (output: string) => expect(output, "a stack trace was printed").not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

describe.skipIf(!canMount)("a data folder that cannot be written, at start", () => {
  it("read-only: one line naming the folder and what to do, exit code 1", async () => {
    const mount = await mkdtemp(path.join(os.tmpdir(), "certdoor-ro-"));
    const run = startOnDisk(mount, mount, 'mount -t tmpfs -o size=1m,ro tmpfs "$1"');
    expect(run.status).toBe(1);
    expect(run.errorLines).toEqual([`[certdoor] The data folder ${mount} is on a read-only file system. Certdoor keeps its database and secrets there: make it writable, or set CERTDOOR_DATA_DIR to another folder.`]);
    noStack(run.output);
  });

  it("a folder to be made under a read-only one: the same message for it", async () => {
    const mount = await mkdtemp(path.join(os.tmpdir(), "certdoor-ro-"));
    const run = startOnDisk(mount, path.join(mount, "certdoor", "data"), 'mount -t tmpfs -o size=1m,ro tmpfs "$1"');
    expect(run.status).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain(`The data folder ${path.join(mount, "certdoor", "data")} is on a read-only file system.`);
    noStack(run.output);
  });

  it("a full disk: one line saying so, exit code 1", async () => {
    const mount = await mkdtemp(path.join(os.tmpdir(), "certdoor-full-"));
    const run = startOnDisk(mount, mount, 'mount -t tmpfs -o size=64k tmpfs "$1" && { dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null; true; }');
    expect(run.status).toBe(1);
    expect(run.errorLines).toEqual([`[certdoor] The disk holding the data folder ${mount} is full (no space left on device). Free some space, or set CERTDOOR_DATA_DIR to another folder on a disk with room.`]);
    noStack(run.output);
  });

  // As root the cluster gets a postgres user, which a user namespace cannot map.
  it.skipIf(!isRoot)("room for the secrets but not for PostgreSQL: one line with PostgreSQL's reason", async () => {
    const mount = await mkdtemp(path.join(os.tmpdir(), "certdoor-small-"));
    const run = startOnDisk(mount, mount, 'mount -t tmpfs -o size=3m tmpfs "$1"');
    expect(run.status).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(new RegExp(`^\\[certdoor\\] PostgreSQL could not create its database in ${mount}/postgres/cluster: .*No space left on device; its log is `));
    noStack(run.output);
  });
});

describe("PostgreSQL killed under the supervisor", () => {
  it("is started again, with every committed row, and says so", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "certdoor-kill-"));
    const paths = dataPaths(dir);
    await ensureDataDir(paths);
    const lines: string[] = [];
    const gaveUp: string[] = [];
    const database = await startEmbeddedPostgres(paths, { log: (l) => lines.push(l), onGiveUp: (m) => gaveUp.push(m) });
    const pool = new pg.Pool({ connectionString: database.url, max: 2, connectionTimeoutMillis: 2_000 });
    pool.on("error", () => {}); // the idle connections die with the server
    try {
      await pool.query("CREATE TABLE committed (n int)");
      await pool.query("INSERT INTO committed SELECT generate_series(1, 1000)");
      const pid = Number((await readFile(path.join(paths.cluster, "postmaster.pid"), "utf8")).split("\n")[0]);
      process.kill(pid, "SIGKILL");

      // The old server's backends may answer a moment longer; wait for the supervisor's word.
      for (let i = 0; i < 150 && !lines.some((l) => l.startsWith("PostgreSQL is back")); i++) await new Promise((r) => setTimeout(r, 200));
      const count = await pool.query("SELECT count(*)::int AS n FROM committed").then((r) => r.rows[0].n, () => pool.query("SELECT count(*)::int AS n FROM committed").then((r) => r.rows[0].n));
      expect(count).toBe(1000);
      expect(lines).toContainEqual(expect.stringMatching(/^PostgreSQL stopped unexpectedly \(killed by SIGKILL\); restarting it\./));
      expect(lines).toContainEqual(expect.stringMatching(/^PostgreSQL is back after \d+ starts?/));
      expect(gaveUp).toEqual([]);
      const newPid = Number((await readFile(path.join(paths.cluster, "postmaster.pid"), "utf8")).split("\n")[0]);
      expect(newPid).not.toBe(pid);
    } finally {
      await pool.end();
      await database.stop();
    }
  });
});
