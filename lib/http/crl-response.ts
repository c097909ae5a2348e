import "server-only";
import { currentCrl } from "@/lib/domain/certificates";
import { revocationCacheHeaders } from "@/lib/http/revocation-cache";

/**
 * A stored CRL as an HTTP answer: DER, or PEM with ?format=pem. Read as stored (signed on
 * revocation and by the schedule, never here), with validators and a max-age that never
 * reaches past nextUpdate.
 */
export async function crlResponse(request: Request, frontdoorId: string, caId?: string): Promise<Response> {
  const crl = await currentCrl(frontdoorId, caId);
  const isPem = new URL(request.url).searchParams.get("format") === "pem";
  const validity = isPem ? crl.pemValidity : crl;
  const etag = isPem ? validity.etag.replace(/"$/, '.pem"') : validity.etag;
  const headers = revocationCacheHeaders(validity, etag);
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(isPem ? crl.pem : Buffer.from(crl.der), {
    headers: { ...headers, "Content-Type": isPem ? "application/x-pem-file" : "application/pkix-crl" },
  });
}
