import { createTokenBatch } from "@/lib/domain/tokens";
import { authenticateRequest } from "@/lib/http/authenticate";
import { readJson, readText } from "@/lib/http/body";
import { json, route } from "@/lib/http/handler";

/** 1,000 rows of CSV or JSON with long names and addresses fit well within this. */
const MAX_BATCH_BYTES = 2 * 1024 * 1024;

/** Up to 1,000 tokens from JSON or CSV, all or nothing; each secret is returned once, in input order. */
export const POST = route<{ frontdoorId: string }>(async (request, { frontdoorId }) => {
  const principal = await authenticateRequest(request);
  const isCsv = /^text\/csv\b/i.test(request.headers.get("content-type") ?? "");
  const source = isCsv ? { csv: await readText(request, MAX_BATCH_BYTES) } : { json: await readJson(request, MAX_BATCH_BYTES) };
  return json(await createTokenBatch(principal, frontdoorId, source), 201);
});
