import { problemResponse } from "@/lib/http/problem";
import { redeemTool } from "@/lib/tools/redeem-tool";

// GET /tools/certdoor-redeem.mjs: the standalone `certdoor redeem` (Node ≥ 20, no npm
// install) for machines that have a token but no Certdoor. Public like ca.pem: it holds no
// secret. Proxies may keep it but must ask again (no-cache); the ETag, its SHA-256, makes
// that a 304.

export async function GET(request: Request): Promise<Response> {
  const tool = await redeemTool();
  if (!tool) return problemResponse("internal", "The redeem tool was not built with this installation; run `npm run build` (or `npm start`, which builds).");
  const etag = `"${tool.sha256}"`;
  const headers = { ETag: etag, "Cache-Control": "public, no-cache", "X-Content-SHA256": tool.sha256 };
  const isCurrent = request.headers.get("if-none-match")?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
  if (isCurrent) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(tool.source), { headers: { ...headers, "Content-Type": "text/javascript; charset=utf-8" } });
}
