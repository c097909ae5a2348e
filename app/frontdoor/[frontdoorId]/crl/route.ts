import { currentCrl } from "@/lib/domain/certificates";
import { route } from "@/lib/http/handler";

/** The Frontdoor's current CRL: DER, or PEM with ?format=pem. Public; reflects revocations at once. */
export const GET = route<{ frontdoorId: string }>(async (request, { frontdoorId }) => {
  const crl = await currentCrl(frontdoorId);
  const isPem = new URL(request.url).searchParams.get("format") === "pem";
  return new Response(isPem ? crl.pem : Buffer.from(crl.der), {
    headers: { "Content-Type": isPem ? "application/x-pem-file" : "application/pkix-crl", "Cache-Control": "no-cache" },
  });
});
