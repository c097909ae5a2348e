import { route } from "@/lib/http/handler";
import { scepErrorResponse, scepResponse } from "@/lib/http/scep";

/** SCEP (RFC 8894): GetCACaps, GetCACert and PKIOperation (PKCSReq, RenewalReq) for one Frontdoor. */
const handle = route<{ frontdoorId: string }>((request, { frontdoorId }) => scepResponse(request, frontdoorId), scepErrorResponse);
export const GET = handle;
export const POST = handle;
