import { isDatabaseUnavailable, unavailableLogFields } from "@/lib/db/unavailable";
import { sealAuditEvents } from "@/lib/domain/audit/seal";
import { sendCaExpiryNotices } from "@/lib/domain/ca/expiring";
import { refreshDueCrls } from "@/lib/domain/certificates/crl-store";
import { flushRedeemFailures } from "@/lib/domain/certificates/redeem-failures";
import { refreshDashboardSnapshots } from "@/lib/domain/dashboard";
import { startPurgeSchedule } from "@/lib/domain/tokens/schedule";
import { pruneDeliveries, sendExpiryNotices } from "@/lib/domain/webhooks";
import { startWebhookWorker, stopWebhookWorker } from "@/lib/domain/webhooks/worker";
import { clearExpiredLimits } from "@/lib/http/rate-limit";
import { logger } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";

const log = logger("background");

// The server's background work. Every instance runs the timers; each job elects itself per
// round in PostgreSQL (advisory locks, or DELETE … RETURNING that hands each row to one
// instance), so nothing runs twice and nothing depends on which instance is alive.

type Job = { name: string; everyMs: number; run: () => Promise<unknown> };

const JOBS: Job[] = [
  { name: "audit-sealer", everyMs: 1_000, run: sealAuditEvents },
  { name: "redeem-failures", everyMs: 15_000, run: () => flushRedeemFailures() },
  { name: "crl-refresh", everyMs: 10 * 60_000, run: refreshDueCrls },
  { name: "rate-limit-cleanup", everyMs: 10 * 60_000, run: clearExpiredLimits },
  { name: "dashboard-snapshots", everyMs: 60_000, run: refreshDashboardSnapshots },
  // Certificates claimed FOR UPDATE SKIP LOCKED: instances share the round, none announces twice.
  { name: "expiry-notices", everyMs: 10 * 60_000, run: () => sendExpiryNotices() },
  // Marks each CA in the statement that announces it: a second instance finds it marked.
  { name: "ca-expiry-notices", everyMs: 60 * 60_000, run: () => sendCaExpiryNotices() },
  { name: "webhook-log-prune", everyMs: 60 * 60_000, run: pruneDeliveries },
];

const timers: NodeJS.Timeout[] = [];

function every(job: Job): NodeJS.Timeout {
  let isRunning = false;
  const timer = setInterval(() => {
    if (isRunning) return;
    isRunning = true;
    job
      .run()
      .catch((error: unknown) => {
        // The database restarting fails every job for a moment: a warning without a stack;
        // the next round catches up (the failure still counts in the metric).
        if (isDatabaseUnavailable(error)) log.warn({ job: job.name, err: unavailableLogFields(error) }, `${job.name} skipped: the database is unavailable`);
        else log.error({ job: job.name, err: error }, `${job.name} failed`);
        metrics().jobFailures.inc({ job: job.name });
      })
      .finally(() => (isRunning = false));
  }, job.everyMs);
  timer.unref();
  return timer;
}

/** Starts every background job once per process. */
export function startBackgroundJobs(): void {
  if (timers.length > 0) return;
  for (const job of JOBS) timers.push(every(job));
  startPurgeSchedule();
  // Webhook deliveries: graphile-worker's pool, taking jobs as the trigger queues them.
  startWebhookWorker().catch((error: unknown) => log.error({ job: "webhooks", err: error }, "the webhook delivery worker did not start"));
}

/** Stops the timers and seals what is committed (graceful shutdown). */
export async function stopBackgroundJobs(): Promise<void> {
  for (const timer of timers.splice(0)) clearInterval(timer);
  await stopWebhookWorker().catch(() => undefined);
  await sealAuditEvents().catch(() => undefined);
}
