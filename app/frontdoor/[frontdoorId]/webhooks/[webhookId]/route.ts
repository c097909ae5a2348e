import { deleteWebhook } from "@/lib/domain/webhooks";
import { authenticateRequest } from "@/lib/http/authenticate";
import { route } from "@/lib/http/handler";

type Params = { frontdoorId: string; webhookId: string };

/** Remove an endpoint (admins); its queued deliveries are dropped. */
export const DELETE = route<Params>(async (request, { frontdoorId, webhookId }) => {
  const principal = await authenticateRequest(request);
  await deleteWebhook(principal, frontdoorId, webhookId);
  return new Response(null, { status: 204 });
});
