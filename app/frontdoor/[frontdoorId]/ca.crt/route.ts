import { caChainPem } from "@/lib/domain/ca";
import { route } from "@/lib/http/handler";
import { fromPem, splitPemChain } from "@/lib/pki/pem";

/**
 * The Frontdoor's issuing CA certificate alone, DER: what the CA Issuers pointer in every
 * certificate names (RFC 5280 §4.2.2.1 asks for DER at an HTTP address).
 */
export const GET = route<{ frontdoorId: string }>(async (_request, { frontdoorId }) => {
  const [issuing] = splitPemChain(await caChainPem(frontdoorId));
  return new Response(Buffer.from(fromPem(issuing!, ["CERTIFICATE"])!), {
    headers: { "Content-Type": "application/pkix-cert", "Cache-Control": "public, max-age=300" },
  });
});
