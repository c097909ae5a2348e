import { readiness } from "@/lib/domain/system/readiness";

export const dynamic = "force-dynamic";

/** Readiness: 200 when this process should get traffic; 503 with the reason otherwise (lib/domain/system/readiness.ts), never its `detail` (a CA key's token and error are for the log). */
export async function GET(): Promise<Response> {
  const state = await readiness();
  const headers = { "Cache-Control": "no-store" };
  return state.ready ? Response.json({ status: "ready" }, { headers }) : Response.json({ status: "unavailable", ...(state.code ? { code: state.code } : {}), reason: state.reason }, { status: 503, headers });
}
