import { createWebhook, listWebhooks } from "@/lib/domain/webhooks";
import { authenticateRequest } from "@/lib/http/authenticate";
import { readJson } from "@/lib/http/body";
import { json, route } from "@/lib/http/handler";
import type { CreateWebhookInput } from "@/lib/validation/webhooks";

type Params = { frontdoorId: string };

/** Register an endpoint (admins); the signing secret is in this response only. (The domain validates the body.) */
export const POST = route<Params>(async (request, { frontdoorId }) => {
  const principal = await authenticateRequest(request);
  const created = await createWebhook(principal, frontdoorId, (await readJson(request)) as CreateWebhookInput);
  return json(created, 201, { Location: `/frontdoor/${frontdoorId}/webhooks/${created.id}` });
});

/** The Frontdoor's endpoints, without secrets (admins and auditors). */
export const GET = route<Params>(async (request, { frontdoorId }) => {
  const principal = await authenticateRequest(request);
  return json(await listWebhooks(principal, frontdoorId));
});
