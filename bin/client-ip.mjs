/** The header bin/server.mjs hands the address on in (read by lib/http/client-info.ts; bin/observe.mjs logs it). */
export const CLIENT_IP_HEADER = "x-certdoor-client-ip";

// The client's address as the server should believe it: the socket's, or with `trustedHops`
// reverse proxies in front, the X-Forwarded-For entry that the nearest trusted proxy added.

/**
 * @param {string | string[] | undefined} forwardedFor the X-Forwarded-For header
 * @param {string | undefined} socketAddress the TCP peer
 * @param {number} trustedHops how many proxies in front are trusted
 * @returns {string}
 */
export function clientIp(forwardedFor, socketAddress, trustedHops) {
  const forwarded = String(forwardedFor ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const hops = [...forwarded, socketAddress ?? ""];
  const ip = hops[Math.max(0, hops.length - 1 - trustedHops)] ?? "";
  return ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
}

/** Headers by which a proxy names the client it forwards for. */
export const FORWARDING_HEADERS = ["x-forwarded-for", "forwarded", "x-real-ip"];

/**
 * The forwarding header a request carries, if any.
 * @param {{ has(name: string): boolean } | Record<string, unknown>} headers a Headers, or Node's header object
 * @returns {string | null}
 */
export function forwardingHeaderOf(headers) {
  const has = typeof headers.has === "function" ? (name) => headers.has(name) : (name) => headers[name] !== undefined;
  return FORWARDING_HEADERS.find(has) ?? null;
}

/** @param {string | null | undefined} ip @returns {boolean} */
export function isLoopback(ip) {
  const address = String(ip ?? "").replace(/^::ffff:/, "");
  return address === "::1" || /^127\.\d+\.\d+\.\d+$/.test(address);
}
