import { route } from "@/lib/http/handler";
import { scepErrorResponse, scepResponse } from "@/lib/http/scep";

/** SCEP at the path NDES made customary (…/pkiclient.exe), which many clients append themselves: the same door. */
const handle = route<{ frontdoorId: string }>((request, { frontdoorId }) => scepResponse(request, frontdoorId), scepErrorResponse);
export const GET = handle;
export const POST = handle;
