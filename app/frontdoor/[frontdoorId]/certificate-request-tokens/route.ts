import { countPurgeableTokens, createToken, listTokens, purgeTokens } from "@/lib/domain/tokens";
import { env } from "@/lib/env";
import { authenticateRequest } from "@/lib/http/authenticate";
import { queryOf, readJson } from "@/lib/http/body";
import { json, route } from "@/lib/http/handler";
import { parseInput } from "@/lib/validation/parse";
import { type CreateTokenInput, purgeTokensQuerySchema, retentionSchema } from "@/lib/validation/tokens";

type Params = { frontdoorId: string };

/** Create a certificate request token. (The domain validates the body; the cast only names it.) */
export const POST = route<Params>(async (request, { frontdoorId }) => {
  const principal = await authenticateRequest(request);
  const created = await createToken(principal, frontdoorId, (await readJson(request)) as CreateTokenInput);
  return json(created, 201, { Location: `/frontdoor/${frontdoorId}/certificate-request-tokens/${created.id}` });
});

/** A page of tokens (never their secrets). */
export const GET = route<Params>(async (request, { frontdoorId }) => {
  const principal = await authenticateRequest(request);
  return json(await listTokens(principal, frontdoorId, queryOf(request)));
});

/** Purge expired and revoked tokens past the retention; `?dryRun=true` only counts them. */
export const DELETE = route<Params>(async (request, { frontdoorId }) => {
  const principal = await authenticateRequest(request);
  const query = queryOf(request);
  const { olderThan } = parseInput(purgeTokensQuerySchema, query);
  const retentionMs = olderThan ?? retentionSchema.parse(env.TOKEN_RETENTION);
  if (query.dryRun === "true") {
    return json({ wouldDelete: await countPurgeableTokens(principal, { frontdoorId, retentionMs }) });
  }
  return json(await purgeTokens(principal, { frontdoorId, retentionMs }));
});
