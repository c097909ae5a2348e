import { route } from "@/lib/http/handler";
import { crlResponse } from "@/lib/http/crl-response";

/**
 * The Frontdoor's CRL. DER: its first issuing CA's (what `/crl` in certificates from before
 * any CA rotation names). PEM (?format=pem): every CRL a gateway trusting ca.pem needs, each
 * issuing CA in use, then the root's.
 */
export const GET = route<{ frontdoorId: string }>(async (request, { frontdoorId }) => crlResponse(request, frontdoorId));
