import { createFrontdoor } from "@/lib/domain/frontdoors";
import { authenticateRequest } from "@/lib/http/authenticate";
import { readJson } from "@/lib/http/body";
import { json, route } from "@/lib/http/handler";
import type { CreateFrontdoorInput } from "@/lib/validation/frontdoors";

// The public address is POST /frontdoors, where the console's Frontdoors page lives: Next.js
// cannot serve a page and a route handler at one path, so next.config.js rewrites the API's
// requests (a bearer key, or JSON that is not a server action) to this handler.

/** Create a Frontdoor with its own issuing CA (admins), like `certdoor frontdoor create`. */
export const POST = route(async (request) => {
  const principal = await authenticateRequest(request);
  const created = await createFrontdoor(principal, (await readJson(request)) as CreateFrontdoorInput);
  return json(created, 201, { Location: `/frontdoor/${created.id}` });
});
