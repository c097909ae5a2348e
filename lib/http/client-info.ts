import type { RequestContext } from "@/lib/domain/principal";

// Where a request came from, for the audit log and rate limits. bin/server.mjs sets this
// header from the socket (or the trusted proxy's X-Forwarded-For entry) on every request,
// overwriting whatever a client sent; nothing else is trusted.

export const CLIENT_IP_HEADER = "x-certdoor-client-ip";

export function requestContextFrom(headers: Headers): RequestContext {
  const ip = headers.get(CLIENT_IP_HEADER) || null;
  return { ip: ip?.slice(0, 64) ?? null, userAgent: headers.get("user-agent")?.slice(0, 512) ?? null };
}
