import type { Tx } from "@/lib/db";

// The delivery queue: graphile-worker's jobs in PostgreSQL. Jobs are added by the trigger on
// AuditEvent (prisma/migrations/…_webhooks), in the transaction of the change, or by
// enqueueDelivery for a redelivery; every server process runs a small worker pool
// (worker.ts) that takes them, so deliveries survive restarts and spread over instances.
//
// Retries are graphile-worker's own: a failed attempt throws, and the job runs again
// exp(min(attempt, 10)) seconds later (2.7 s, 7.4 s, 20 s, 55 s, 2.5 min, 6.7 min, 18 min,
// 50 min, 2.3 h, then every 6.1 h). With 14 attempts the 13th runs ~22 h and the 14th ~28 h
// after the first, so an event is retried for 24 hours. The trigger's SQL holds the same 14.

export const WEBHOOK_MAX_ATTEMPTS = 14;
export const DELIVER_TASK = "webhook.deliver";

/** Seconds from an event's first attempt to its n-th, under graphile-worker's backoff. */
export function secondsUntilAttempt(n: number): number {
  let total = 0;
  for (let failed = 1; failed < n; failed++) total += Math.exp(Math.min(failed, 10));
  return total;
}

/** Queues one more delivery of an event to an endpoint, inside the caller's transaction. */
export async function enqueueDelivery(tx: Tx, webhookId: string, eventId: bigint): Promise<void> {
  await tx.$executeRaw`
    SELECT graphile_worker.add_job(${DELIVER_TASK}, json_build_object('webhookId', ${webhookId}::text, 'eventId', ${eventId.toString()}::text),
                                   max_attempts => ${WEBHOOK_MAX_ATTEMPTS}::int)`;
}
