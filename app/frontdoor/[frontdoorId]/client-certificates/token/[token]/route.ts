import { route } from "@/lib/http/handler";
import { redeemResponse } from "@/lib/http/redeem";

/** Redeem a token (in the path, as the Frontdoor documentation shows) with a CSR. */
export const POST = route<{ frontdoorId: string; token: string }>((request, { frontdoorId, token }) =>
  redeemResponse(request, frontdoorId, decodeURIComponent(token)),
);
