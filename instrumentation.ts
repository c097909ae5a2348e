// Next.js calls register() once when a server instance starts. NEXT_RUNTIME is Next's own
// variable (set by the framework, not by configuration), so it is read here directly.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startBackgroundJobs, stopBackgroundJobs } = await import("@/lib/domain/system/background");
  const { instrumentPool } = await import("@/lib/observability/metrics");
  instrumentPool();
  startBackgroundJobs();
  // bin/server.mjs calls this on SIGTERM once in-flight requests have finished.
  (globalThis as Record<symbol, unknown>)[Symbol.for("certdoor.stopBackground")] = stopBackgroundJobs;
}
