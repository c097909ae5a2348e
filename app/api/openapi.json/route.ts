import { buildOpenApiDocument } from "@/lib/openapi/document";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json(buildOpenApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } });
}
