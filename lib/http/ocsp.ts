import "server-only";
import { createHash } from "node:crypto";
import type { OcspReply } from "@/lib/domain/certificates/ocsp";
import { revocationCacheHeaders } from "@/lib/http/revocation-cache";
import { addressKey, requestContextFrom } from "@/lib/http/client-info";
import { ocspLimiter, RateLimited } from "@/lib/http/rate-limit";
import { ocspError, OCSPResponseStatus } from "@/lib/pki/ocsp";

/** An OCSP reply over HTTP (RFC 5019 §6: cache validators from thisUpdate/nextUpdate). */
export function ocspResponse(reply: OcspReply): Response {
  const cache = reply.isCacheable ? revocationCacheHeaders(reply, `"${createHash("sha1").update(reply.der).digest("hex")}"`) : { "Cache-Control": "no-store" };
  return new Response(Buffer.from(reply.der), { headers: { "Content-Type": "application/ocsp-response", ...cache } });
}

/**
 * The responder's limit per client address, counted in signatures: an answer from the cache
 * costs nothing, so a gateway re-checking the same certificates is never held back. The
 * domain calls `beforeSigning` once it knows it must read and sign. Over the limit: HTTP 429
 * with Retry-After, and as body the unsigned OCSP answer `tryLater` (RFC 6960 §2.3), so a
 * client that reads only the OCSP layer also learns to come back later; nothing is signed.
 */
export async function withOcspLimit(request: Request, answer: (beforeSigning: () => Promise<void>) => Promise<Response>): Promise<Response> {
  const key = addressKey(requestContextFrom(request.headers).ip);
  try {
    return await answer(async () => {
      const wait = await ocspLimiter.take(key);
      if (wait > 0) throw new RateLimited(wait, `Too many OCSP requests from this address. Wait ${wait} seconds.`);
    });
  } catch (error) {
    if (!(error instanceof RateLimited)) throw error;
    return new Response(Buffer.from(ocspError(OCSPResponseStatus.tryLater)), {
      status: 429,
      headers: { "Content-Type": "application/ocsp-response", "Cache-Control": "no-store", "Retry-After": String(error.retryAfter) },
    });
  }
}
