import { route } from "@/lib/http/handler";
import { estCaCertsResponse, estErrorResponse } from "@/lib/http/est";

/** EST /cacerts (RFC 7030 §4.1): the Frontdoor's CA chain as a base64 certs-only PKCS#7. Public. */
export const GET = route<{ frontdoorId: string }>((_request, { frontdoorId }) => estCaCertsResponse(frontdoorId), estErrorResponse);
