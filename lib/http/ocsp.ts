import "server-only";
import { createHash } from "node:crypto";
import type { OcspReply } from "@/lib/domain/certificates/ocsp";
import { revocationCacheHeaders } from "@/lib/http/revocation-cache";

/** An OCSP reply over HTTP (RFC 5019 §6: cache validators from thisUpdate/nextUpdate). */
export function ocspResponse(reply: OcspReply): Response {
  const cache = reply.isCacheable ? revocationCacheHeaders(reply, `"${createHash("sha1").update(reply.der).digest("hex")}"`) : { "Cache-Control": "no-store" };
  return new Response(Buffer.from(reply.der), { headers: { "Content-Type": "application/ocsp-response", ...cache } });
}
