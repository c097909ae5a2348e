import { timingSafeEqual } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import { forwardingHeaderOf, isLoopback } from "@/bin/client-ip.mjs";
import type { RequestContext } from "@/lib/domain/access/principal";
import { noteForwardedLoopback } from "@/lib/domain/system/proxy-warning";
import { env } from "@/lib/env";

// Where a request came from, for the audit log and rate limits. bin/server.mjs sets the
// address header from the socket (or the trusted proxy's X-Forwarded-For entry) on every
// request, overwriting whatever a client sent, and proves it wrote it with a secret made
// fresh in that process (CERTDOOR_CLIENT_IP_SECRET). Under `next dev`, a plain `next start`
// or anything else that lacks the secret, a client-sent address header is ignored: the
// address is unknown rather than chosen by the client.

export const CLIENT_IP_HEADER = "x-certdoor-client-ip";
export const CLIENT_IP_PROOF_HEADER = "x-certdoor-client-ip-proof";
export const CLIENT_FORWARDED_HEADER = "x-certdoor-forwarded";

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

/**
 * The forwarding header (X-Forwarded-For, Forwarded, X-Real-IP) the client's request carried
 * when it reached bin/server.mjs, which writes it down with the address (Next.js adds
 * X-Forwarded-* of its own on the way to a handler, so the handler's own headers cannot
 * tell). Without the server's proof (next dev, in-process tests), the request's own headers.
 */
export function forwardingHeaderSent(headers: Headers): string | null {
  return isProven(headers) ? headers.get(CLIENT_FORWARDED_HEADER) || null : forwardingHeaderOf(headers);
}

/**
 * The forwarding header of a loopback request while no proxy is trusted: the sign of a
 * local proxy whose clients all look like 127.0.0.1.
 */
export function ignoredForwardingHeader(headers: Headers, ip: string | null): string | null {
  return env.TRUST_PROXY_HOPS === 0 && isLoopback(ip) ? forwardingHeaderSent(headers) : null;
}

export function requestContextFrom(headers: Headers): RequestContext {
  const ip = isProven(headers) ? headers.get(CLIENT_IP_HEADER) || null : null;
  // Every door that limits or audits by address asks here, which is where a shared address hurts.
  const ignored = ignoredForwardingHeader(headers, ip);
  if (ignored) noteForwardedLoopback(ignored);
  return { ip: ip?.slice(0, 64) ?? null, userAgent: headers.get("user-agent")?.slice(0, 512) ?? null, origin: originFrom(headers) };
}

/** The eight 16-bit groups of a valid IPv6 address (an embedded IPv4 tail becomes the last two). */
function ipv6Groups(ip: string): number[] {
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  const [a, b, c, d] = (tail?.slice(1) ?? []).map(Number);
  const text = tail ? `${ip.slice(0, tail.index)}${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}` : ip;
  const [head = "", rest] = text.split("::");
  const parse = (part: string) => (part ? part.split(":").map((h) => parseInt(h, 16)) : []);
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The key a client address counts under in every per-address limit. One IPv6 host holds a
 * whole /64 (SLAAC, privacy addresses), so IPv6 counts by its /64; an IPv4-mapped IPv6
 * address (::ffff:a.b.c.d) is that IPv4 address. No address (a server without the proof):
 * "unknown", one key for all of them.
 */
export function addressKey(ip: string | null | undefined): string {
  const address = (ip ?? "").trim().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return "unknown";
  const groups = ipv6Groups(address.toLowerCase());
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join(".");
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64`;
}
