import { getFrontdoor, updateFrontdoor } from "@/lib/domain/frontdoors";
import { authenticateRequest } from "@/lib/http/authenticate";
import { readJson } from "@/lib/http/body";
import { json, route } from "@/lib/http/handler";
import type { UpdateFrontdoorInput } from "@/lib/validation/frontdoors";

type Params = { frontdoorId: string };

/** The Frontdoor and its settings (anyone who may read it; others get frontdoor_not_found). */
export const GET = route<Params>(async (request, { frontdoorId }) => {
  const principal = await authenticateRequest(request);
  return json(await getFrontdoor(principal, frontdoorId));
});

/** Change its settings (admins); audited as frontdoor.updated. (The domain validates the body.) */
export const PATCH = route<Params>(async (request, { frontdoorId }) => {
  const principal = await authenticateRequest(request);
  return json(await updateFrontdoor(principal, frontdoorId, (await readJson(request)) as UpdateFrontdoorInput));
});
