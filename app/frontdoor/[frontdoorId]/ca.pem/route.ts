import { caChainPem } from "@/lib/domain/ca";
import { route } from "@/lib/http/handler";

/** The Frontdoor's CA chain (intermediate, then root): public, for TLS servers to trust. */
export const GET = route<{ frontdoorId: string }>(async (_request, { frontdoorId }) => {
  return new Response(await caChainPem(frontdoorId), {
    headers: { "Content-Type": "application/x-pem-file", "Cache-Control": "public, max-age=300" },
  });
});
