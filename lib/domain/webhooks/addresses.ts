import { BlockList, isIPv4, isIPv6 } from "node:net";

// Where a webhook may not go (SSRF): an administrator's URL must not reach the database,
// the cloud metadata service or anything else only the server can see. IPv6 forms that
// carry an IPv4 address (mapped, compatible, NAT64) are judged by that address.

const v4 = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  v4.addSubnet(net, bits, "ipv4");
}

const v6 = new BlockList();
v6.addSubnet("100::", 64, "ipv6"); // discard-only
v6.addSubnet("2001:db8::", 32, "ipv6"); // documentation
v6.addSubnet("2002::", 16, "ipv6"); // 6to4 (deprecated), which tunnels to an embedded IPv4 address
v6.addSubnet("fc00::", 7, "ipv6"); // unique local
v6.addSubnet("fe80::", 10, "ipv6"); // link-local
v6.addSubnet("fec0::", 10, "ipv6"); // site-local (deprecated, still routed by some)
v6.addSubnet("ff00::", 8, "ipv6"); // multicast

/** The IPv4 address inside ::ffff:a.b.c.d or 64:ff9b::a.b.c.d (any spelling), if any. */
function embeddedIPv4(groups: number[]): string | null {
  const isMapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  const isNat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0);
  if (!isMapped && !isNat64) return null;
  const [a, b] = [groups[6]!, groups[7]!];
  return [a >> 8, a & 0xff, b >> 8, b & 0xff].join(".");
}

/** Eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included). */
function expandIPv6(address: string): number[] | null {
  let text = address.toLowerCase().split("%")[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1]!.split(".").map(Number);
    text = text.slice(0, -dotted[1]!.length) + `${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const parse = (s: string | undefined) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  const groups = tail === undefined ? front : [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

const REFUSED = "a private, loopback, link-local or reserved address";

/** Why an IP address may not be a webhook target, or null when it may. */
export function refusalOf(address: string): string | null {
  if (isIPv4(address)) return v4.check(address, "ipv4") ? `${address} is ${REFUSED}` : null;
  const groups = isIPv6(address) ? expandIPv6(address) : null;
  if (!groups) return `${address} is not an IP address`;
  // ::/96 holds the unspecified and loopback addresses and the deprecated IPv4-compatible form.
  if (groups.slice(0, 6).every((g) => g === 0)) return `${address} is ${REFUSED}`;
  const inner = embeddedIPv4(groups);
  if (inner) return refusalOf(inner) ? `${address} carries ${inner}, ${REFUSED}` : null;
  return v6.check(address, "ipv6") ? `${address} is ${REFUSED}` : null;
}
