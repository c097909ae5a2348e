import { rotateToken } from "@/lib/domain/tokens";
import { authenticateRequest } from "@/lib/http/authenticate";
import { json, route } from "@/lib/http/handler";

/** A new secret for an active token (the old link stops working), returned once, and emailed to its recipient. */
export const POST = route<{ frontdoorId: string; tokenId: string }>(async (request, { frontdoorId, tokenId }) => {
  const principal = await authenticateRequest(request);
  return json(await rotateToken(principal, frontdoorId, tokenId));
});
