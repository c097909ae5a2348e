import { route } from "@/lib/http/handler";
import { estEnrollResponse, estErrorResponse } from "@/lib/http/est";

/** EST /simpleenroll (RFC 7030 §4.2): a token (Basic password or bearer) and a base64 PKCS#10 become a certificate. */
export const POST = route<{ frontdoorId: string }>((request, { frontdoorId }) => estEnrollResponse(request, frontdoorId), estErrorResponse);
