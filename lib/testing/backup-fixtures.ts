import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { closeDb, getDb } from "@/lib/db";
import { sealAuditEvents } from "@/lib/domain/audit/seal";
import { createApiKey } from "@/lib/domain/access/api-keys";
import { redeemToken, revokeCertificate } from "@/lib/domain/certificates";
import { startSession } from "@/lib/domain/access/sessions";
import { createToken, revokeToken } from "@/lib/domain/tokens";
import { createWebhook } from "@/lib/domain/webhooks";
import { env } from "@/lib/env";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";
import { opensslCsr } from "@/lib/testing/openssl";

// Backup tests: more databases on the test server (an empty one to restore into, owned by an
// ordinary role as on managed PostgreSQL), an installation with a little of everything, and
// a fingerprint of a database's whole content to compare two of them by.

const adminUrl = () => inject("postgresAdminUrl");
const suffix = () => randomBytes(6).toString("hex");

async function asAdmin(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(sql).finally(() => admin.end());
}

/**
 * A new database without any schema, owned by a new login role without superuser rights.
 * With `isCountingCalls`, PostgreSQL counts calls of PL/pgSQL functions in it (triggers
 * included) in pg_stat_user_functions.
 */
export async function emptyDatabase(options: { isCountingCalls?: boolean } = {}): Promise<string> {
  const [role, password, name] = [`restorer_${suffix()}`, suffix(), `restore_${suffix()}`];
  await asAdmin(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${password}'`);
  await asAdmin(`CREATE DATABASE ${name} OWNER ${role}`);
  if (options.isCountingCalls) await asAdmin(`ALTER DATABASE ${name} SET track_functions = 'pl'`);
  const url = new URL(adminUrl());
  url.username = role;
  url.password = password;
  url.pathname = `/${name}`;
  return url.href;
}

/** Runs `fn` with the domain's database switched to `url` (the process pool follows env). */
export async function onDatabase<T>(url: string, fn: () => Promise<T>): Promise<T> {
  const previous = env.DATABASE_URL;
  await closeDb();
  Object.assign(env, { DATABASE_URL: url });
  try {
    return await fn();
  } finally {
    await closeDb();
    Object.assign(env, { DATABASE_URL: previous });
  }
}

export async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET TimeZone = 'UTC'");
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Every table's row count and an MD5 of its rows in text form, plus sequences, queued jobs, triggers and keys. */
export async function fingerprint(url: string) {
  const tables = await query<{ name: string }>(url, `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN ('_prisma_migrations', 'RateLimit') ORDER BY 1`);
  const contents: Record<string, { rows: number; md5: string }> = {};
  for (const { name } of tables) {
    const [row] = await query<{ rows: number; md5: string }>(url, `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS md5 FROM "${name}" t`);
    contents[name] = row!;
  }
  return {
    contents,
    sequences: await query(url, `SELECT sequencename, last_value::text FROM pg_sequences WHERE schemaname = current_schema() ORDER BY 1`),
    jobs: await query(url, `SELECT t.identifier, j.payload::text, j.run_at, j.max_attempts - j.attempts AS "attemptsLeft" FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id ORDER BY 2, 3`),
    triggers: await query(url, `SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace ORDER BY 1, 2`),
    keys: await query(url, `SELECT conname, condeferrable, condeferred FROM pg_constraint WHERE contype = 'f' ORDER BY 1`),
  };
}

const redeem = (frontdoorId: string, secret: string) => redeemToken({ frontdoorId, secret, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: { ip: "192.0.2.40" } });

/** An installation with tokens in every status, revoked certificates, users, keys, sessions, a webhook with queued deliveries, and `events` sealed audit events. */
export async function makeInstallation(events = 1000) {
  Object.assign(env, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: true });
  const frontdoor = await makeFrontdoor();
  const quiet = await makeFrontdoor();
  // No worker runs here: every event on `frontdoor` from now on leaves a delivery queued.
  await createWebhook(system, frontdoor.id, { url: "http://127.0.0.1:9/hook", events: ["token.created", "certificate.revoked"] });
  const operator = await makeUser("operator", [frontdoor.id]);
  await makeUser("auditor");
  const admin = await makeUser("admin");
  await createApiKey(admin.principal, { name: "deploy-bot" });
  await createApiKey(system, { name: "ci", ownerEmail: operator.email });
  await startSession(operator.user.id, { ip: "192.0.2.41", userAgent: "Mozilla/5.0 (backup test)" });

  const active = await createToken(operator.principal, frontdoor.id, { name: "still to redeem", commonName: "later.example.com" });
  await createToken(operator.principal, frontdoor.id, { name: "ünïcode — \"quoted\" \\ back", organization: "Ørsted A/S" });
  const expired = await createToken(operator.principal, frontdoor.id, { name: "expired" });
  await getDb().certificateRequestToken.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 3600_000) } });
  const revoked = await createToken(operator.principal, frontdoor.id, { name: "revoked" });
  await revokeToken(operator.principal, frontdoor.id, revoked.id);
  const redeemed = [];
  for (const n of [1, 2, 3, 4]) {
    const token = await createToken(operator.principal, frontdoor.id, { name: `device ${n}`, commonName: `d${n}.example.com` });
    redeemed.push({ token, certificate: await redeem(frontdoor.id, token.token) });
  }
  await revokeCertificate(operator.principal, frontdoor.id, redeemed[0]!.certificate.id, { reason: "keyCompromise" });
  await revokeCertificate(operator.principal, frontdoor.id, redeemed[1]!.certificate.id, { reason: "superseded" });
  // 600 more certificates (copies of a real one with their own ids, serials and fingerprints),
  // so the table spans two of restore's 500-row batches, and a renewal link from the first
  // to the last: no row order satisfies that self-reference, restore has to defer it.
  await getDb().$executeRaw`
    INSERT INTO "ClientCertificate" ("id", "frontdoorId", "issuerId", "name", "commonName", "serialNumber", "fingerprintSha256", "keyAlgorithm", "notBefore", "notAfter", "certificatePem")
    SELECT 'cert-' || gen_random_uuid(), "frontdoorId", "issuerId", 'bulk ' || i, 'bulk' || i || '.example.com', md5('serial' || i || random()),
           encode(sha256(convert_to('fp' || i || random(), 'UTF8')), 'hex'), "keyAlgorithm", "notBefore", "notAfter", "certificatePem"
      FROM "ClientCertificate", generate_series(1, 600) AS i
     WHERE "id" = ${redeemed[3]!.certificate.id}`;
  const bulk = await getDb().$queryRaw<{ id: string }[]>`SELECT "id" FROM "ClientCertificate" WHERE "name" LIKE 'bulk %' ORDER BY "id"`;
  const [first, last] = [bulk[0]!.id, bulk.at(-1)!.id];
  await getDb().$executeRaw`UPDATE "ClientCertificate" SET "renewedAt" = now() WHERE "id" = ${last}`;
  await getDb().$executeRaw`UPDATE "ClientCertificate" SET "renewedFromId" = ${last} WHERE "id" = ${first}`;
  await getDb().$executeRaw`
    INSERT INTO "WebhookDelivery" ("webhookId", "eventId", "type", "attempt", "statusCode", "latencyMs", "responseSnippet")
    SELECT "id", 1, 'token.created', 1, 503, 12, 'busy' FROM "Webhook"`;

  // Events with awkward content: unicode, escapes, big and fractional numbers, nesting, nulls.
  await getDb().$executeRaw`
    INSERT INTO "AuditEvent" ("at", "actorKind", "actorLabel", "ip", "userAgent", "action", "frontdoorId", "targetKind", "targetId", "details")
    SELECT now() - make_interval(secs => i * 0.001), 'system', 'bulk ' || i, '2001:db8::' || to_hex(i), E'agent\\t"' || i || E'"\\n',
           'test.bulk', ${quiet.id}::uuid, 'thing', 'thing-' || i,
           jsonb_build_object('i', i, 'big', 12345678901234567890.5, 'text', E'zwölf \\u00e9 \\\\ "q"', 'nested', jsonb_build_object('b', ARRAY[i, NULL], 'a', NULL))
      FROM generate_series(1, ${events}) AS i`;
  await sealAuditEvents();
  // Two events written after the last sealing round: a backup holds them unsealed.
  await getDb().$executeRaw`INSERT INTO "AuditEvent" ("actorKind", "action", "details") VALUES ('system', 'test.late', '{"n": 1}'), ('system', 'test.late', '{"n": 2}')`;
  return { frontdoor, quiet, operator, active, expired, revoked, redeemed };
}
