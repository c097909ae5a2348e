import { caChainPem } from "@/lib/domain/ca/trust";
import { route } from "@/lib/http/handler";

/** What a gateway trusts for the Frontdoor's certificates: each issuing CA in use (after a rotation, old and new), then the root. PEM, public. */
export const GET = route<{ frontdoorId: string }>(async (_request, { frontdoorId }) => {
  return new Response(await caChainPem(frontdoorId), {
    headers: { "Content-Type": "application/x-pem-file", "Cache-Control": "public, max-age=300" },
  });
});
