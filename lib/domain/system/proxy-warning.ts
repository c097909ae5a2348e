import "server-only";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/observability/log";

// A reverse proxy on the same machine with TRUST_PROXY_HOPS=0 makes every client 127.0.0.1:
// one rate limit for everyone, one address in the audit log. The sign is a loopback request
// that carries forwarding headers. It is recorded in PostgreSQL (the Setting table), so the
// console shows it whichever worker or instance saw it, and the log says it once a day for
// the whole installation; each process writes it at most once an hour.

const KEY = "forwardedLoopbackSeen";
const WRITE_EVERY_MS = 60 * 60_000;
const LOG_EVERY_MS = 24 * 60 * 60_000;
/** How long the console keeps showing the warning after the last such request. */
const SHOW_FOR_MS = 7 * 24 * 60 * 60_000;

let writtenAt = 0;

/** Records that a loopback request carried `header` while no proxy is trusted (fire and forget: it must not slow the request). */
export function noteForwardedLoopback(header: string): void {
  const now = Date.now();
  if (now - writtenAt < WRITE_EVERY_MS) return;
  writtenAt = now;
  const value = JSON.stringify({ header, seenAt: new Date(now).toISOString() });
  // The subquery in RETURNING reads the row as it was before this statement.
  getDb()
    .$queryRaw<{ before: Date | null }[]>`
      INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES (${KEY}, ${value}::jsonb, now())
      ON CONFLICT ("key") DO UPDATE SET "value" = EXCLUDED."value", "updatedAt" = now()
      RETURNING (SELECT s."updatedAt" FROM "Setting" AS s WHERE s."key" = ${KEY}) AS "before"`
    .then(([row]) => {
      if (row?.before && now - row.before.getTime() < LOG_EVERY_MS) return;
      logger("http").warn(
        { header },
        `A request from this machine (127.0.0.1) carried ${header} while TRUST_PROXY_HOPS is 0: a reverse proxy in front makes every client look like 127.0.0.1, so all clients share one rate limit and the audit log cannot tell them apart. Set TRUST_PROXY_HOPS=1 (the number of proxies in front).`,
      );
    })
    .catch((error: unknown) => logger("http").warn({ err: String(error) }, "could not record the forwarded-loopback warning"));
}

/** For the console: when a loopback request last carried forwarding headers while no proxy is trusted (within a week), else null. */
export async function forwardedLoopbackWarning(): Promise<{ header: string; seenAt: Date } | null> {
  if (env.TRUST_PROXY_HOPS > 0) return null;
  const row = await getDb().setting.findUnique({ where: { key: KEY }, select: { value: true, updatedAt: true } });
  const header = (row?.value as { header?: unknown } | undefined)?.header;
  if (!row || typeof header !== "string" || Date.now() - row.updatedAt.getTime() > SHOW_FOR_MS) return null;
  return { header, seenAt: row.updatedAt };
}
