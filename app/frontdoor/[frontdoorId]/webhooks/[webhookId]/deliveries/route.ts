import { listDeliveries } from "@/lib/domain/webhooks";
import { authenticateRequest } from "@/lib/http/authenticate";
import { json, route } from "@/lib/http/handler";

type Params = { frontdoorId: string; webhookId: string };

/** The endpoint's most recent delivery attempts, newest first (admins and auditors). */
export const GET = route<Params>(async (request, { frontdoorId, webhookId }) => {
  const principal = await authenticateRequest(request);
  return json(await listDeliveries(principal, frontdoorId, webhookId));
});
