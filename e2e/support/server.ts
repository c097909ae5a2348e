import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { e2eDataDir } from "../../playwright.config";

// Extra app instances on the same database as the server under test: what a deployment
// with several instances (or a crash) looks like.

const root = path.resolve(import.meta.dirname, "..", "..");

export type Instance = { url: string; process: ChildProcess; stop: () => Promise<void> };

export async function startInstance(port: number, options: { workers?: number; trustProxy?: number; env?: Record<string, string> } = {}): Promise<Instance> {
  // A server left over on the port (from a run that was cut short) would answer the health
  // check in this instance's place, from another database.
  if (await fetch(`http://127.0.0.1:${port}/api/health`).then(() => true, () => false)) throw new Error(`port ${port} is already in use`);
  const config = JSON.parse(readFileSync(path.join(e2eDataDir, "postgres.json"), "utf8"));
  const logFile = path.join(root, "test-results", `instance-${port}.log`);
  mkdirSync(path.dirname(logFile), { recursive: true });
  writeFileSync(logFile, "");
  const log = openSync(logFile, "a");
  const child = spawn(process.execPath, [path.join(root, "bin", "server.mjs"), "--port", String(port), "--workers", String(options.workers ?? 1), "--trust-proxy", String(options.trustProxy ?? 0)], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: `postgresql://${config.user}:${encodeURIComponent(config.password)}@127.0.0.1:${config.port}/${config.database}`,
      AUTH_SECRET: readFileSync(path.join(e2eDataDir, "auth-secret"), "utf8").trim(),
      CERTDOOR_MASTER_KEY: readFileSync(path.join(e2eDataDir, "master-key"), "utf8").trim(),
      PURGE_INTERVAL_MINUTES: "0",
      // One deployment, one configuration: webhook deliveries are jobs in this database, taken
      // by whichever instance is free, and one without this refused webhooks.spec.ts's receiver
      // on 127.0.0.1 ("http: URLs are not allowed") before the main server delivered it.
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
      ...options.env,
    },
    // Its output goes to a file beside the test results, for reading after a failure.
    // One descriptor for both, in append mode: two would overwrite each other's lines.
    stdio: ["ignore", log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`instance on ${port} exited with ${child.exitCode}; see ${logFile}`);
    if (i === 300) throw new Error(`instance on ${port} did not answer in 60 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
      }),
  };
}

/** A port nothing listens on now (other runs on this machine may hold fixed ones). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
