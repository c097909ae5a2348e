import { route } from "@/lib/http/handler";
import { crlResponse } from "@/lib/http/crl-response";

/** One issuing CA's CRL (what certificates of a CA made by rotation name): DER, or with ?format=pem that CRL and the root's. */
export const GET = route<{ frontdoorId: string; caId: string }>(async (request, { frontdoorId, caId }) => crlResponse(request, frontdoorId, caId));
