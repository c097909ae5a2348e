import { bearerOf } from "@/lib/http/authenticate";
import { route } from "@/lib/http/handler";
import { redeemResponse } from "@/lib/http/redeem";

/** Redeem a token sent as `Authorization: Bearer crt_…`, keeping the secret out of URLs and logs. */
export const POST = route<{ frontdoorId: string }>((request, { frontdoorId }) => redeemResponse(request, frontdoorId, bearerOf(request)));
