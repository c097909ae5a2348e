export const dynamic = "force-dynamic";

/** Liveness: the process runs and answers (it checks nothing else, so a database outage never gets it restarted). */
export function GET(): Response {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
