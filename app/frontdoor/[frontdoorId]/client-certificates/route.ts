import { listCertificates } from "@/lib/domain/certificates";
import { authenticateRequest } from "@/lib/http/authenticate";
import { queryOf } from "@/lib/http/body";
import { json, route } from "@/lib/http/handler";

/** A page of the Frontdoor's client certificates. */
export const GET = route<{ frontdoorId: string }>(async (request, { frontdoorId }) => {
  const principal = await authenticateRequest(request);
  return json(await listCertificates(principal, frontdoorId, queryOf(request)));
});
