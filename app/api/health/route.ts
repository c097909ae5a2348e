import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

/** 200 when the database answers, 503 otherwise (load balancers and `certdoor` scripts poll this). */
export async function GET(): Promise<Response> {
  try {
    await getDb().$queryRaw`SELECT 1`;
    return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return Response.json({ status: "unavailable" }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}
