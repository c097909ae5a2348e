import { currentCrl } from "@/lib/domain/certificates";
import { route } from "@/lib/http/handler";

/** Longest time a cache may reuse a CRL: revocations must reach gateways quickly. */
const MAX_AGE_SECONDS = 300;

/**
 * The Frontdoor's current CRL: DER, or PEM with ?format=pem. Public, read as stored (signed
 * on revocation and by the schedule, never here), with validators and a max-age that
 * never reaches past nextUpdate.
 */
export const GET = route<{ frontdoorId: string }>(async (request, { frontdoorId }) => {
  const crl = await currentCrl(frontdoorId);
  const isPem = new URL(request.url).searchParams.get("format") === "pem";
  const etag = isPem ? crl.etag.replace(/"$/, '.pem"') : crl.etag;
  const maxAge = Math.max(0, Math.min(MAX_AGE_SECONDS, Math.floor((crl.nextUpdate.getTime() - Date.now()) / 1000)));
  const headers = {
    ETag: etag,
    "Last-Modified": crl.thisUpdate.toUTCString(),
    "Cache-Control": `public, max-age=${maxAge}, must-revalidate`,
    Expires: crl.nextUpdate.toUTCString(),
  };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(isPem ? crl.pem : Buffer.from(crl.der), {
    headers: { ...headers, "Content-Type": isPem ? "application/x-pem-file" : "application/pkix-crl" },
  });
});
