import client from "prom-client";
import { getDb, getPool } from "@/lib/db";
import { currentCaEnds } from "@/lib/domain/ca/expiring";
import { dashboardStats } from "@/lib/domain/dashboard";
import { systemPrincipal } from "@/lib/domain/access/principal";

// What Prometheus scrapes (GET /metrics). One registry per process: prom-client's default,
// which bin/observe.mjs also records the HTTP metrics in (prom-client is kept outside the
// bundle, so both hold the same instance). With several workers, the primary aggregates
// them (bin/server.mjs); gauges that every worker reads alike are taken once, not summed.

const globalForMetrics = globalThis as unknown as { certdoorMetrics?: ReturnType<typeof define> };

function define() {
  client.collectDefaultMetrics({ prefix: "certdoor_" });
  const system = systemPrincipal("metrics");
  const redemptions = new client.Counter({ name: "certdoor_redemptions_total", help: "Redemption attempts by outcome: issued, or the error code", labelNames: ["outcome"] });
  const tokensCreated = new client.Counter({ name: "certdoor_tokens_created_total", help: "Tokens created (singly and in batches)" });
  const certificatesIssued = new client.Counter({ name: "certdoor_certificates_issued_total", help: "Certificates issued, by how: redeemed or renewed", labelNames: ["how"] });
  const rateLimited = new client.Counter({ name: "certdoor_rate_limit_rejections_total", help: "Requests refused by a rate limit", labelNames: ["limit"] });
  const jobFailures = new client.Counter({ name: "certdoor_background_job_failures_total", help: "Background job rounds that failed (crl-refresh among them)", labelNames: ["job"] });
  const signingErrors = new client.Counter({ name: "certdoor_signing_errors_total", help: "CRL or OCSP signing errors", labelNames: ["kind"] });
  const queryDuration = new client.Histogram({ name: "certdoor_db_query_duration_seconds", help: "Database query latency", buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
  new client.Gauge({
    name: "certdoor_db_pool_connections",
    help: "Database pool connections by state",
    labelNames: ["state"],
    collect() {
      const pool = getPool();
      this.set({ state: "total" }, pool.totalCount);
      this.set({ state: "idle" }, pool.idleCount);
      this.set({ state: "waiting" }, pool.waitingCount);
    },
  });
  // Token and expiry numbers from the dashboard's own counting (snapshots for large
  // Frontdoors, so a scrape never counts a million rows); the same in every worker.
  const expiring = new client.Gauge({ name: "certdoor_certificates_expiring_30d", help: "Valid certificates ending within 30 days, by Frontdoor", labelNames: ["frontdoor"], aggregator: "first" });
  new client.Gauge({
    name: "certdoor_tokens",
    help: "Tokens by Frontdoor and status",
    labelNames: ["frontdoor", "status"],
    aggregator: "first",
    // Registered after the expiring gauge but read first: it fills both from one reading.
    async collect() {
      this.reset();
      expiring.reset();
      for (const f of await getDb().frontdoor.findMany({ select: { id: true, name: true } })) {
        const stats = await dashboardStats(system, f.id);
        expiring.set({ frontdoor: f.name }, stats.certificatesExpiringSoon);
        for (const [status, n] of Object.entries(stats.tokens)) if (status !== "expiringSoon") this.set({ frontdoor: f.name, status }, n);
      }
    },
  });
  // Alert on it 90 days ahead, as `ca.expiring` does: … - time() < 90 * 86400 (README, Metrics).
  new client.Gauge({
    name: "certdoor_issuing_ca_not_after_timestamp_seconds",
    help: "When each Frontdoor's current issuing CA ends (Unix seconds); rotate it before then",
    labelNames: ["frontdoor"],
    aggregator: "first",
    async collect() {
      this.reset();
      for (const ca of await currentCaEnds()) this.set({ frontdoor: ca.frontdoor }, Math.floor(ca.notAfter.getTime() / 1000));
    },
  });
  return { redemptions, tokensCreated, certificatesIssued, rateLimited, jobFailures, signingErrors, queryDuration };
}

/** The app's metrics, defined once per process. */
export function metrics() {
  globalForMetrics.certdoorMetrics ??= define();
  return globalForMetrics.certdoorMetrics;
}

/** Times every query the server's pool runs (called once at start, before connections open). */
export function instrumentPool(): void {
  const { queryDuration } = metrics();
  getPool().on("connect", (connection) => {
    const query = connection.query.bind(connection) as (...args: unknown[]) => unknown;
    (connection as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const done = queryDuration.startTimer();
      const result = query(...args);
      // (The timer's end takes labels: it must not be handed the query's result.)
      if (result instanceof Promise) result.then(() => done(), () => done());
      else done();
      return result;
    };
  });
}

/** The exposition text of this process's registry. */
export function processMetrics(): Promise<string> {
  metrics();
  return client.register.metrics();
}

export const METRICS_CONTENT_TYPE = client.register.contentType;
