// Large tables (issue 9): with 1,000,000 tokens and 1,000,000 audit events in the database,
// how long the console's reads take, and purging 100,000 expired tokens.
// Run against a database a server is using (it seals the seeded events):
//   DATABASE_URL=… CERTDOOR_MASTER_KEY=… node --conditions=react-server --import tsx bench/large-tables.ts [--seed] [--explain]
import { parseArgs } from "node:util";
import { getDb } from "@/lib/db";
import { listAuditEvents } from "@/lib/domain/audit/log";
import { dashboardStats, refreshDashboardSnapshots } from "@/lib/domain/dashboard";
import { createFrontdoor } from "@/lib/domain/frontdoors";
import { systemPrincipal } from "@/lib/domain/access/principal";
import { listTokens, purgeTokens } from "@/lib/domain/tokens";

const { values } = parseArgs({ options: { seed: { type: "boolean", default: false }, explain: { type: "boolean", default: false }, purge: { type: "boolean", default: false } } });
const system = systemPrincipal("bench");
const db = getDb();
const NAME = "large-tables";

let frontdoor = await db.frontdoor.findUnique({ where: { name: NAME }, select: { id: true } });
if (values.seed) {
  frontdoor ??= { id: (await createFrontdoor(system, { name: NAME, tcpSharesEnabled: true })).id };
  const t = performance.now();
  // 1,000,000 tokens: 30 % active, 40 % redeemed, 10 % revoked a day ago, 10 % expired a
  // month ago (the 100,000 a 7-day purge deletes), 10 % expired yesterday.
  await db.$executeRawUnsafe(`
    INSERT INTO "CertificateRequestToken" ("id", "frontdoorId", "name", "commonName", "secretHash", "secretHint", "expiresAt", "validDays", "createdAt", "updatedAt", "redeemedAt", "revokedAt")
    SELECT 'token-' || gen_random_uuid(), '${frontdoor.id}', 'device ' || g, 'device-' || g || '.fleet.example.com',
           encode(sha256(('large-' || g || '-' || clock_timestamp())::bytea), 'hex'), 'crt_…' || lpad((g % 10000)::text, 4, '0'),
           now() + CASE WHEN g % 10 < 3 THEN interval '1 day' WHEN g % 10 = 8 THEN -interval '30 days' ELSE -interval '1 day' END,
           365, now() - (g || ' seconds')::interval, now(),
           CASE WHEN g % 10 BETWEEN 3 AND 6 THEN now() - interval '2 days' END,
           CASE WHEN g % 10 = 7 THEN now() - interval '1 day' END
      FROM generate_series(1, 1000000) AS g`);
  await db.$executeRawUnsafe(`
    INSERT INTO "AuditEvent" ("at", "actorKind", "actorLabel", "action", "frontdoorId", "targetKind", "targetId", "details")
    SELECT now() - (g || ' seconds')::interval, 'system', 'seed', 'token.created', '${frontdoor.id}', 'token', 'token-seed-' || g, jsonb_build_object('i', g)
      FROM generate_series(1, 1000000) AS g`);
  await db.$executeRawUnsafe(`ANALYZE "CertificateRequestToken"; ANALYZE "AuditEvent"`);
  console.log(JSON.stringify({ seeded: { tokens: 1_000_000, auditEvents: 1_000_000 }, seconds: +((performance.now() - t) / 1000).toFixed(1) }));
}
if (!frontdoor) throw new Error("seed first: --seed");
const fd = frontdoor.id;

async function time(label: string, run: () => Promise<unknown>, runs = 5) {
  await run(); // warm
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(JSON.stringify({ read: label, runs, medianMs: +ms[Math.floor(runs / 2)]!.toFixed(1), maxMs: +ms.at(-1)!.toFixed(1) }));
}

await time("tokens: first page, status=active, newest first", () => listTokens(system, fd, { status: "active", sort: "createdAt,desc", page: 0, size: 20 }));
await time("tokens: first page, status=redeemed, newest first", () => listTokens(system, fd, { status: "redeemed", sort: "createdAt,desc", page: 0, size: 20 }));
await time("tokens: search by CN (q=device-777777)", () => listTokens(system, fd, { q: "device-777777", page: 0, size: 20 }));
await time("tokens: search by name (q=device 4242)", () => listTokens(system, fd, { q: "device 4242", page: 0, size: 20 }));
await db.dashboardSnapshot.deleteMany({});
await time("dashboard: this Frontdoor, counted live (no snapshot)", () => dashboardStats(system, fd), 3);
let t0 = performance.now();
const refreshed = await refreshDashboardSnapshots();
console.log(JSON.stringify({ job: "dashboard snapshots (the schedule, once a minute)", frontdoors: refreshed, ms: Math.round(performance.now() - t0) }));
await time("dashboard: this Frontdoor, from its snapshot", () => dashboardStats(system, fd));
await time("dashboard: all Frontdoors (large from snapshot, small live)", () => dashboardStats(system));
await time("audit trail: first page", () => listAuditEvents(system, {}));

if (values.purge) {
  t0 = performance.now();
  const { deleted } = await purgeTokens(system, { frontdoorId: fd, retentionMs: 7 * 86_400_000 });
  console.log(JSON.stringify({ purge: "expired past 7 days", deleted, seconds: +((performance.now() - t0) / 1000).toFixed(2) }));
}
await db.$disconnect();
process.exit(0);
