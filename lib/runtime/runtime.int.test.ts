import { spawnSync } from "node:child_process";
import { mkdtemp, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { dataPaths, ensureDataDir, readOrCreateSecret } from "@/lib/runtime/data-dir";
import { startEmbeddedPostgres } from "@/lib/runtime/embedded-postgres";
import { makeFrontdoor } from "@/lib/testing/fixtures";

const root = path.resolve(import.meta.dirname, "..", "..");

async function scalar(url: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end();
  }
}

describe("embedded PostgreSQL default", () => {
  it("keeps its data across a restart, and a second caller joins the running server", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "certdoor-embedded-"));
    const paths = dataPaths(dir);
    await ensureDataDir(paths);

    const first = await startEmbeddedPostgres(paths);
    expect(first.isOwner).toBe(true);
    await scalar(first.url, "CREATE TABLE kept (v text)");
    await scalar(first.url, "INSERT INTO kept VALUES ('still here')");

    const joined = await startEmbeddedPostgres(paths);
    expect(joined.isOwner).toBe(false);
    expect(joined.url).toBe(first.url);
    await first.stop();

    const second = await startEmbeddedPostgres(paths);
    expect(second.isOwner).toBe(true);
    expect(second.url).toBe(first.url);
    expect(await scalar(second.url, "SELECT v FROM kept")).toEqual({ v: "still here" });
    await second.stop();
  });

  it("writes generated secrets once, with mode 0600", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "certdoor-secrets-"));
    const file = path.join(dir, "master-key");
    const a = await readOrCreateSecret(file);
    const b = await readOrCreateSecret(file);
    expect(a.created).toBe(true);
    expect(b).toEqual({ value: a.value, created: false });
    expect(Buffer.from(a.value, "base64")).toHaveLength(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});

/** `bin/start.mjs` in production mode against this file's database, with the given overrides. */
function startInProduction(overrides: Record<string, string | undefined>) {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? "",
    NODE_ENV: "production",
    DATABASE_URL: process.env.DATABASE_URL!,
    AUTH_SECRET: "x".repeat(32),
    CERTDOOR_MASTER_KEY: Buffer.alloc(32, 1).toString("base64"),
    CERTDOOR_DATA_DIR: path.join(os.tmpdir(), "certdoor-unused"),
    ...overrides,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return spawnSync(process.execPath, ["--conditions=react-server", path.join(root, "bin", "start.mjs")], {
    cwd: root,
    env: env as NodeJS.ProcessEnv,
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("launcher configuration checks", () => {
  it("stops the start with a clear message when CERTDOOR_MASTER_KEY cannot open the stored CA keys", async () => {
    await makeFrontdoor(); // creates the root and an issuing CA under this file's master key
    const result = startInProduction({ CERTDOOR_MASTER_KEY: Buffer.alloc(32, 7).toString("base64") });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("CERTDOOR_MASTER_KEY does not decrypt the CA keys in this database");
    expect(result.stdout).not.toContain("Certdoor is running");
  });

  for (const missing of ["AUTH_SECRET", "CERTDOOR_MASTER_KEY"]) {
    it(`stops a production start on an external database without ${missing}, naming it`, () => {
      const result = startInProduction({ [missing]: undefined });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`${missing} must be set`);
    });
  }
});
