import { route } from "@/lib/http/handler";
import { redeemResponse } from "@/lib/http/redeem";

/**
 * Redeem a token (in the path, as the Frontdoor documentation shows) with a CSR. Next.js
 * hands the segment over URL-decoded: decoding it again threw (a 500) on any "%" left in it.
 */
export const POST = route<{ frontdoorId: string; token: string }>((request, { frontdoorId, token }) => redeemResponse(request, frontdoorId, token));
