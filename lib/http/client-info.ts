import { timingSafeEqual } from "node:crypto";
import type { RequestContext } from "@/lib/domain/principal";
import { env } from "@/lib/env";

// Where a request came from, for the audit log and rate limits. bin/server.mjs sets the
// address header from the socket (or the trusted proxy's X-Forwarded-For entry) on every
// request, overwriting whatever a client sent, and proves it wrote it with a secret made
// fresh in that process (CERTDOOR_CLIENT_IP_SECRET). Under `next dev`, a plain `next start`
// or anything else that lacks the secret, a client-sent address header is ignored: the
// address is unknown rather than chosen by the client.

export const CLIENT_IP_HEADER = "x-certdoor-client-ip";
export const CLIENT_IP_PROOF_HEADER = "x-certdoor-client-ip-proof";

function isProven(headers: Headers): boolean {
  const secret = env.CERTDOOR_CLIENT_IP_SECRET;
  const proof = headers.get(CLIENT_IP_PROOF_HEADER);
  if (!secret || !proof) return false;
  const a = Buffer.from(proof);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function requestContextFrom(headers: Headers): RequestContext {
  const ip = isProven(headers) ? headers.get(CLIENT_IP_HEADER) || null : null;
  return { ip: ip?.slice(0, 64) ?? null, userAgent: headers.get("user-agent")?.slice(0, 512) ?? null };
}
