import { getToken, revokeToken, updateToken } from "@/lib/domain/tokens";
import { authenticateRequest } from "@/lib/http/authenticate";
import { readJson } from "@/lib/http/body";
import { json, route } from "@/lib/http/handler";
import type { UpdateTokenInput } from "@/lib/validation/tokens";

type Params = { frontdoorId: string; tokenId: string };

/** One token, with status, redeemedAt and clientCertificateId. */
export const GET = route<Params>(async (request, { frontdoorId, tokenId }) => {
  const principal = await authenticateRequest(request);
  return json(await getToken(principal, frontdoorId, tokenId));
});

/** Change metadata or expiry of an active token. */
export const PATCH = route<Params>(async (request, { frontdoorId, tokenId }) => {
  const principal = await authenticateRequest(request);
  return json(await updateToken(principal, frontdoorId, tokenId, (await readJson(request)) as UpdateTokenInput));
});

/** Revoke: the token can no longer be redeemed; its history stays. */
export const DELETE = route<Params>(async (request, { frontdoorId, tokenId }) => {
  const principal = await authenticateRequest(request);
  await revokeToken(principal, frontdoorId, tokenId);
  return new Response(null, { status: 204 });
});
