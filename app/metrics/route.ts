import { route } from "@/lib/http/handler";
import { METRICS_CONTENT_TYPE } from "@/lib/observability/metrics";
import { assertMayScrape, scrape } from "@/lib/observability/scrape";

export const dynamic = "force-dynamic";

/** Prometheus exposition text for this instance (every worker), for callers who may scrape. */
export const GET = route(async (request) => {
  assertMayScrape(request);
  return new Response(await scrape(), { headers: { "Content-Type": METRICS_CONTENT_TYPE, "Cache-Control": "no-store" } });
});
