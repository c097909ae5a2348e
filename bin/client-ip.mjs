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
