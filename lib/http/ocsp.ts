import "server-only";
import { createHash } from "node:crypto";
import type { OcspReply } from "@/lib/domain/certificates/ocsp";
import { revocationCacheHeaders } from "@/lib/http/revocation-cache";
import { addressKey, requestContextFrom } from "@/lib/http/client-info";
import { ocspLimiter } from "@/lib/http/rate-limit";
import { ocspError, OCSPResponseStatus } from "@/lib/pki/ocsp";

/** An OCSP reply over HTTP (RFC 5019 §6: cache validators from thisUpdate/nextUpdate). */
export function ocspResponse(reply: OcspReply): Response {
  const cache = reply.isCacheable ? revocationCacheHeaders(reply, `"${createHash("sha1").update(reply.der).digest("hex")}"`) : { "Cache-Control": "no-store" };
  return new Response(Buffer.from(reply.der), { headers: { "Content-Type": "application/ocsp-response", ...cache } });
}

/**
 * The responder's limit per client address, every request counted (each one costs a
 * signature). Over it: HTTP 429 with Retry-After, and as body the unsigned OCSP answer
 * `tryLater` (RFC 6960 §2.3), so a client that reads only the OCSP layer also learns to
 * come back later; nothing is signed for it.
 */
export async function withOcspLimit(request: Request, answer: () => Promise<Response>): Promise<Response> {
  const wait = await ocspLimiter.take(addressKey(requestContextFrom(request.headers).ip));
  if (wait === 0) return answer();
  return new Response(Buffer.from(ocspError(OCSPResponseStatus.tryLater)), {
    status: 429,
    headers: { "Content-Type": "application/ocsp-response", "Cache-Control": "no-store", "Retry-After": String(wait) },
  });
}
