import { tokensCsvStream } from "@/lib/domain/tokens";
import { authenticateRequest } from "@/lib/http/authenticate";
import { route } from "@/lib/http/handler";
import type { ListTokensQuery } from "@/lib/validation/tokens";

/** CSV of the tokens matching the console's current filter (session or API key), streamed. */
export const GET = route(async (request) => {
  const principal = await authenticateRequest(request);
  const params = new URL(request.url).searchParams;
  const frontdoorId = params.get("frontdoor") ?? "";
  const csv = await tokensCsvStream(principal, frontdoorId, {
    status: (params.get("status") ?? undefined) as ListTokensQuery["status"],
    q: params.get("q") ?? undefined,
    sort: params.get("sort") ?? undefined,
  });
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="tokens-${new Date().toISOString().slice(0, 10)}.csv"`,
      "Cache-Control": "no-store",
    },
  });
});
