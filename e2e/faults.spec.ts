import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, openSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { opensslCsr } from "@/lib/testing/openssl";
import { freePort } from "./support/server";
import { expect, test } from "./support/test";

// kill -9 of the embedded PostgreSQL in the middle of a burst of redemptions (issue 12.5),
// against `npm start` on a data folder of its own (the suite's database stays untouched):
// every request is answered, 201 or 503 `unavailable`, none hangs; the launcher starts
// PostgreSQL again and says so; the app serves again by itself; and no token is claimed
// without its certificate.

const root = path.resolve(import.meta.dirname, "..");
const TOKENS = 60;
const CONCURRENCY = 8;
const KILL_AFTER = 12;

function launch(dataDir: string, port: number, logFile: string): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), CERTDOOR_DATA_DIR: dataDir, ADMIN_PASSWORD: "faults admin password 1", PURGE_INTERVAL_MINUTES: "0", WORKERS: "2", LOG_LEVEL: "info" };
  for (const name of ["DATABASE_URL", "AUTH_SECRET", "CERTDOOR_MASTER_KEY", "PUBLIC_URL", "AUTH_URL", "SMTP_URL", "OIDC_ISSUER"]) delete env[name];
  const log = openSync(logFile, "a");
  return spawn(process.execPath, ["--conditions=react-server", path.join(root, "bin", "start.mjs")], { cwd: root, env, stdio: ["ignore", log, log] });
}

test("kill -9 of the embedded PostgreSQL during a redemption burst: 503s, not hangs; restarted; recovered; no token claimed without its certificate", async () => {
  test.setTimeout(300_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "certdoor-faults-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(root, "test-results", `faults-${port}.log`);
  const launcher = launch(dataDir, port, logFile);
  const env: NodeJS.ProcessEnv = { ...process.env, CERTDOOR_DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  let db: pg.Client | undefined;
  try {
    const isReady = () => fetch(`${url}/api/health/ready`).then((r) => r.ok, () => false);
    await expect.poll(isReady, { message: "the server is ready", timeout: 180_000 }).toBe(true);
    const cli = (args: string[]) => {
      const run = spawnSync(process.execPath, ["--conditions=react-server", path.join(root, "bin", "certdoor.mjs"), ...args], { cwd: root, env, encoding: "utf8", timeout: 60_000 });
      expect(run.status, run.stderr).toBe(0);
      return JSON.parse(run.stdout);
    };
    const key = cli(["apikey", "create", "--email", "admin@localhost", "--name", "faults", "--json"]).key as string;
    const frontdoorId = (cli(["frontdoor", "list", "--json"]) as { id: string; name: string }[]).find((f) => f.name === "default")!.id;
    const created = await fetch(`${url}/frontdoor/${frontdoorId}/certificate-request-tokens/batch`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify({ tokens: Array.from({ length: TOKENS }, (_, i) => ({ name: `burst ${i}`, commonName: `burst-${i}.example.com` })) }),
    });
    expect(created.status).toBe(201);
    const tokens = ((await created.json()) as { tokens: { id: string; token: string }[] }).tokens;
    const csr = opensslCsr("ec-p256").csrPem;
    const redeem = async (secret: string) => {
      const started = Date.now();
      const res = await fetch(`${url}/frontdoor/${frontdoorId}/client-certificates/token`, {
        method: "POST",
        headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json" },
        body: JSON.stringify({ type: "CSR", value: csr }),
        signal: AbortSignal.timeout(60_000),
      });
      const body = (await res.json()) as { code?: string; detail?: string };
      return { status: res.status, code: body.code, detail: body.detail, retryAfter: res.headers.get("retry-after"), ms: Date.now() - started };
    };

    // The burst: CONCURRENCY at a time; after KILL_AFTER answers, SIGKILL to the postmaster.
    const postmaster = Number(readFileSync(path.join(dataDir, "postgres", "cluster", "postmaster.pid"), "utf8").split("\n")[0]);
    const answers = new Map<string, Awaited<ReturnType<typeof redeem>>>();
    let next = 0;
    let killedAt = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < tokens.length) {
          const token = tokens[next++]!;
          answers.set(token.id, await redeem(token.token));
          if (answers.size === KILL_AFTER && !killedAt) {
            killedAt = Date.now();
            process.kill(postmaster, "SIGKILL");
          }
        }
      }),
    );

    const all = [...answers.values()];
    const unexpected = all.filter((a) => a.status !== 201 && !(a.status === 503 && a.code === "unavailable"));
    expect(unexpected, "answers other than 201 or 503 unavailable").toEqual([]);
    expect(Math.max(...all.map((a) => a.ms)), "the slowest answer (ms): none may hang").toBeLessThan(20_000);
    const refused = all.filter((a) => a.status === 503);
    expect(refused.length, "the kill was felt").toBeGreaterThan(0);
    for (const a of refused) {
      expect(a.retryAfter).toBe("5");
      expect(a.detail).toMatch(/database is unavailable/);
    }

    // The launcher said what happened and started PostgreSQL again; the app serves by itself.
    await expect.poll(isReady, { message: "ready again", timeout: 60_000 }).toBe(true);
    const log = readFileSync(logFile, "utf8");
    expect(log).toContain("PostgreSQL stopped unexpectedly (killed by SIGKILL); restarting it.");
    expect(log).toMatch(/PostgreSQL is back after \d+ starts?/);
    expect(launcher.exitCode).toBeNull();

    // Every token refused in the outage redeems now, or was in fact redeemed before the
    // connection dropped (then it is used, and its certificate exists).
    for (const [tokenId, answer] of answers) {
      if (answer.status === 201) continue;
      const again = await redeem(tokens.find((t) => t.id === tokenId)!.token);
      expect([201, 409], `${tokenId}: ${again.code} ${again.detail}`).toContain(again.status);
      if (again.status === 409) expect(again.code).toBe("token_already_used");
    }

    const config = JSON.parse(readFileSync(path.join(dataDir, "postgres.json"), "utf8")) as { port: number; user: string; password: string; database: string };
    db = new pg.Client({ host: "127.0.0.1", ...config });
    await db.connect();
    const { rows } = await db.query<{ redeemed: number; withoutCertificate: number; certificates: number }>(
      `SELECT count(*) FILTER (WHERE t."redeemedAt" IS NOT NULL)::int AS redeemed,
              count(*) FILTER (WHERE t."redeemedAt" IS NOT NULL AND c."id" IS NULL)::int AS "withoutCertificate",
              count(c."id")::int AS certificates
         FROM "CertificateRequestToken" t LEFT JOIN "ClientCertificate" c ON c."id" = t."clientCertificateId"
        WHERE t."id" = ANY($1)`,
      [tokens.map((t) => t.id)],
    );
    expect(rows[0]).toEqual({ redeemed: TOKENS, withoutCertificate: 0, certificates: TOKENS });
  } finally {
    await db?.end();
    if (launcher.exitCode === null) {
      const exited = new Promise((resolve) => launcher.once("exit", resolve));
      launcher.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      if (launcher.exitCode === null) launcher.kill("SIGKILL");
    }
  }
  expect(launcher.exitCode, "the launcher stops cleanly after it all").toBe(0);
});
