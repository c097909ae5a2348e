import type pg from "pg";
import type { Row } from "@/lib/db/backup/format";

// graphile-worker's queue is state too: a webhook delivery queued (or waiting for its next
// retry) when the backup is taken has not reached its receiver yet. A backup keeps every
// job that has attempts left; restore queues them again through graphile-worker's own
// add_jobs, with the attempts they had left and their time to run. Receivers may see an
// event twice (once from the old installation, once from the restored one); webhooks are
// at-least-once anyway, and the webhook-id (msg_<event id>) is the same both times.
// Reading the jobs takes graphile-worker's tables (its public view leaves out the payload);
// they are those of the exact graphile-worker version package.json pins.

export const JOB_COLUMNS = ["task", "payload", "queue", "runAt", "attemptsLeft", "key", "priority", "flags"];

async function hasQueue(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ present: boolean }>(`SELECT to_regnamespace('graphile_worker') IS NOT NULL AS present`);
  return Boolean(rows[0]?.present);
}

/** Jobs with attempts left, oldest first, as text. */
export async function readPendingJobs(client: pg.ClientBase): Promise<Row[]> {
  if (!(await hasQueue(client))) return [];
  const { rows } = await client.query<Row>({
    rowMode: "array",
    text: `
      SELECT t.identifier, j.payload::text, q.queue_name, j.run_at::text, (j.max_attempts - j.attempts)::text, j.key,
             j.priority::text, CASE WHEN j.flags IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_object_keys(j.flags))::text END
        FROM graphile_worker._private_jobs j
        JOIN graphile_worker._private_tasks t ON t.id = j.task_id
        LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
       WHERE j.attempts < j.max_attempts
       ORDER BY j.id`,
  });
  return rows;
}

/** Queues the backup's jobs again, inside the restore's transaction. */
export async function queueJobs(client: pg.ClientBase, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const column = (i: number) => rows.map((r) => r[i] ?? null);
  await client.query(
    `SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(
       SELECT ROW(v.task, v.payload::json, v.queue, v.run_at::timestamptz, v.attempts::smallint, v.key, v.priority::smallint, v.flags::text[])::graphile_worker.job_spec
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
              AS v(task, payload, queue, run_at, attempts, key, priority, flags)), true)`,
    JOB_COLUMNS.map((_, i) => column(i)),
  );
}
