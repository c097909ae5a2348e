import { Logger, run, type Runner, type Task } from "graphile-worker";
import { deliverWebhook } from "@/lib/domain/webhooks/deliver";
import { DELIVER_TASK } from "@/lib/domain/webhooks/jobs";
import { APPROVAL_NOTICE_TASK, notifyApprovers } from "@/lib/domain/tokens/approval-notices";
import { requireEnv } from "@/lib/env";
import { logger as appLogger } from "@/lib/observability/log";

// The worker pool of this process: takes delivery jobs (jobs.ts) and approval notices from PostgreSQL, a few at a
// time, and lets graphile-worker retry the failed ones. deliverWebhook does the work.

function parsePayload(payload: unknown): { webhookId: string; eventId: bigint } {
  const { webhookId, eventId } = (payload ?? {}) as { webhookId?: unknown; eventId?: unknown };
  if (typeof webhookId !== "string" || typeof eventId !== "string" || !/^\d+$/.test(eventId)) throw new Error("malformed webhook job payload");
  return { webhookId, eventId: BigInt(eventId) };
}

const deliverTask: Task = async (payload, helpers) => {
  const result = await deliverWebhook(parsePayload(payload), helpers.job.attempts);
  // The last attempt ends the job either way: a permanently failed job would only sit in
  // the queue's table, and the delivery log already says what happened.
  if (result.outcome === "failed" && !result.isDisabled && helpers.job.attempts < helpers.job.max_attempts) {
    throw new Error(`webhook delivery failed: ${result.statusCode !== null ? `HTTP ${result.statusCode}` : result.error}`);
  }
};

/** Emails the approvers of a Frontdoor (lib/domain/tokens/approval-notices.ts); a throw retries later. */
const approvalNoticeTask: Task = async (payload) => {
  const { frontdoorId } = (payload ?? {}) as { frontdoorId?: unknown };
  if (typeof frontdoorId !== "string") throw new Error("malformed approval notice job payload");
  await notifyApprovers(frontdoorId);
};

/** Failed attempts are expected (an endpoint is down) and recorded in the delivery log: one line each, no stack. */
const logger = new Logger(() => (level, message) => {
  const text = String(level);
  if (text === "error" || text === "warning") appLogger("webhooks").warn(message.split("\n")[0]);
});

const globalForQueue = globalThis as unknown as { certdoorWebhookRunner?: Promise<Runner> };

/** Starts this process's worker pool (once); deliveries begin at once for queued events. */
export function startWebhookWorker(options: { pollInterval?: number } = {}): Promise<Runner> {
  globalForQueue.certdoorWebhookRunner ??= run({
    connectionString: requireEnv("DATABASE_URL"),
    concurrency: 5,
    // Its own connections (jobs and LISTEN); deliveries record through the app's pool.
    maxPoolSize: 6,
    pollInterval: options.pollInterval ?? 2_000,
    noHandleSignals: true,
    logger,
    taskList: { [DELIVER_TASK]: deliverTask, [APPROVAL_NOTICE_TASK]: approvalNoticeTask },
    parsedCronItems: [],
  });
  return globalForQueue.certdoorWebhookRunner;
}

/** Stops taking jobs and waits for the ones running (graceful shutdown, tests). */
export async function stopWebhookWorker(): Promise<void> {
  const runner = globalForQueue.certdoorWebhookRunner;
  globalForQueue.certdoorWebhookRunner = undefined;
  await (await runner?.catch(() => undefined))?.stop();
}
