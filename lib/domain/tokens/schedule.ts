import { getDb } from "@/lib/db";
import { systemPrincipal } from "@/lib/domain/access/principal";
import { purgeTokens } from "@/lib/domain/tokens/purge";
import { env } from "@/lib/env";
import { retentionSchema } from "@/lib/validation/tokens";
import { logger } from "@/lib/observability/log";

// The purge schedule inside the server. Every instance runs the timer; a transaction-scoped
// advisory lock lets one of them do the work while the others skip that round.

const PURGE_SCHEDULE_LOCK_KEY = 7_734_222;

export type ScheduledRun = { skipped: true } | { skipped: false; deleted: number };

/** One round of the schedule: purge everything past the configured retention, unless another instance is at it. */
export async function runScheduledPurge(retentionMs = retentionSchema.parse(env.TOKEN_RETENTION)): Promise<ScheduledRun> {
  return getDb().$transaction(
    async (tx) => {
      const [row] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${PURGE_SCHEDULE_LOCK_KEY}) AS locked`;
      if (!row?.locked) return { skipped: true } as const;
      const { deleted } = await purgeTokens(systemPrincipal("purge-schedule"), { retentionMs });
      return { skipped: false, deleted } as const;
    },
    { timeout: 10 * 60_000, maxWait: 30_000 },
  );
}

let timer: NodeJS.Timeout | undefined;

/** Starts the timer (once per process); PURGE_INTERVAL_MINUTES=0 turns it off. */
export function startPurgeSchedule(): void {
  const minutes = env.PURGE_INTERVAL_MINUTES;
  if (timer || minutes === 0) return;
  const tick = () =>
    runScheduledPurge()
      .then((run) => {
        if (!run.skipped && run.deleted > 0) logger("purge").info({ deleted: run.deleted }, `deleted ${run.deleted} expired or revoked tokens`);
      })
      .catch((error: unknown) => logger("purge").error({ err: error }, "scheduled purge failed"));
  setTimeout(tick, 30_000).unref();
  timer = setInterval(tick, minutes * 60_000);
  timer.unref();
}
