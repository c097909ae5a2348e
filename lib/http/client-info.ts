import type { RequestContext } from "@/lib/domain/principal";

// Where a request came from, for the audit log. `next start` sets x-forwarded-for from the
// socket; behind a reverse proxy the left-most entry is the client the proxy saw.

export function requestContextFrom(headers: Headers): RequestContext {
  const forwarded = headers.get("x-forwarded-for");
  const ip = forwarded?.split(",")[0]?.trim() || headers.get("x-real-ip") || null;
  return { ip: ip?.slice(0, 64) ?? null, userAgent: headers.get("user-agent")?.slice(0, 512) ?? null };
}
