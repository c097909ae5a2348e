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

/** A host as a browser sends it: a DNS name or IPv4 address, or a bracketed IPv6 one, and a port. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The origin the client addressed: Host (or, behind trusted proxies, X-Forwarded-Host and
 * -Proto), checked to be a plain host so that nothing else can ride into a link. Certdoor
 * itself speaks plain HTTP; https comes only from a trusted proxy saying so.
 */
export function originFrom(headers: Headers): string | null {
  const isProxied = env.TRUST_PROXY_HOPS > 0;
  const forwardedProto = isProxied ? headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() : undefined;
  const host = ((isProxied ? headers.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined) || headers.get("host") || "").toLowerCase();
  if (!HOST.test(host)) return null;
  return `${forwardedProto === "https" ? "https" : "http"}://${host}`;
}

export function requestContextFrom(headers: Headers): RequestContext {
  const ip = isProven(headers) ? headers.get(CLIENT_IP_HEADER) || null : null;
  return { ip: ip?.slice(0, 64) ?? null, userAgent: headers.get("user-agent")?.slice(0, 512) ?? null, origin: originFrom(headers) };
}
