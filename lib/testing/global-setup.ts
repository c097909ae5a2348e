import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrate } from "@/lib/db/migrate";
import { dataPaths, ensureDataDir } from "@/lib/runtime/data-dir";
import { startEmbeddedPostgres } from "@/lib/runtime/embedded-postgres";

// One real PostgreSQL for the integration run, in a temporary folder, with a template
// database that has every migration applied. Test files clone it (database-per-file.ts).

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    templateDatabase: string;
  }
}

export const TEMPLATE_DATABASE = "certdoor_template";

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "certdoor-it-"));
  const paths = dataPaths(dir);
  await ensureDataDir(paths);
  const database = await startEmbeddedPostgres(paths);
  const adminUrl = database.url.replace(/\/certdoor$/, "/postgres");

  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await client.end();
  await migrate(database.url.replace(/\/certdoor$/, `/${TEMPLATE_DATABASE}`));

  project.provide("postgresAdminUrl", adminUrl);
  project.provide("templateDatabase", TEMPLATE_DATABASE);

  return async () => {
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
