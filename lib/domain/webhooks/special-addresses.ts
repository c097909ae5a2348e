// IANA's IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890, RFC 8190), as data:
// IPv4 as last updated 2023 (with 192.88.99.2/32), IPv6 as last updated 2024-10-22 (with
// 3fff::/20, 5f00::/16 and 2001:1::3/128). A webhook may go only where the registry says
// "Globally Reachable: True"; "False" and "N/A" (deprecated blocks: Teredo, 6to4, ORCHID v1)
// are refused. The most specific entry decides, so the anycast /32 and /128 inside the
// refused IETF protocol blocks stay reachable. A few blocks from the general address-space
// registries (multicast, site-local, IETF-reserved space) are added, marked as such.
// A new registry entry is one line here, and addresses.test.ts tries it.

export type SpecialRange = {
  prefix: string;
  name: string;
  rfc: string;
  isGloballyReachable: boolean;
  /** Addresses that stand for the IPv4 address in their last 32 bits: judged by that address. */
  carriesIPv4?: true;
};

export const SPECIAL_RANGES: readonly SpecialRange[] = [
  // IPv4 Special-Purpose Address Registry
  { prefix: "0.0.0.0/8", name: '"This network"', rfc: "RFC 791 §3.2", isGloballyReachable: false },
  { prefix: "0.0.0.0/32", name: '"This host on this network"', rfc: "RFC 1122 §3.2.1.3", isGloballyReachable: false },
  { prefix: "10.0.0.0/8", name: "Private-Use", rfc: "RFC 1918", isGloballyReachable: false },
  { prefix: "100.64.0.0/10", name: "Shared Address Space", rfc: "RFC 6598", isGloballyReachable: false },
  { prefix: "127.0.0.0/8", name: "Loopback", rfc: "RFC 1122 §3.2.1.3", isGloballyReachable: false },
  { prefix: "169.254.0.0/16", name: "Link Local", rfc: "RFC 3927", isGloballyReachable: false },
  { prefix: "172.16.0.0/12", name: "Private-Use", rfc: "RFC 1918", isGloballyReachable: false },
  { prefix: "192.0.0.0/24", name: "IETF Protocol Assignments", rfc: "RFC 6890 §2.1", isGloballyReachable: false },
  { prefix: "192.0.0.0/29", name: "IPv4 Service Continuity Prefix", rfc: "RFC 7335", isGloballyReachable: false },
  { prefix: "192.0.0.8/32", name: "IPv4 dummy address", rfc: "RFC 7600", isGloballyReachable: false },
  { prefix: "192.0.0.9/32", name: "Port Control Protocol Anycast", rfc: "RFC 7723", isGloballyReachable: true },
  { prefix: "192.0.0.10/32", name: "Traversal Using Relays around NAT Anycast", rfc: "RFC 8155", isGloballyReachable: true },
  { prefix: "192.0.0.170/32", name: "NAT64/DNS64 Discovery", rfc: "RFC 8880, RFC 7050 §2.2", isGloballyReachable: false },
  { prefix: "192.0.0.171/32", name: "NAT64/DNS64 Discovery", rfc: "RFC 8880, RFC 7050 §2.2", isGloballyReachable: false },
  { prefix: "192.0.2.0/24", name: "Documentation (TEST-NET-1)", rfc: "RFC 5737", isGloballyReachable: false },
  { prefix: "192.31.196.0/24", name: "AS112-v4", rfc: "RFC 7535", isGloballyReachable: true },
  { prefix: "192.52.193.0/24", name: "AMT", rfc: "RFC 7450", isGloballyReachable: true },
  { prefix: "192.88.99.0/24", name: "Deprecated (6to4 Relay Anycast)", rfc: "RFC 7526", isGloballyReachable: false },
  { prefix: "192.88.99.2/32", name: "6a44-relay anycast address", rfc: "RFC 6751", isGloballyReachable: false },
  { prefix: "192.168.0.0/16", name: "Private-Use", rfc: "RFC 1918", isGloballyReachable: false },
  { prefix: "192.175.48.0/24", name: "Direct Delegation AS112 Service", rfc: "RFC 7534", isGloballyReachable: true },
  { prefix: "198.18.0.0/15", name: "Benchmarking", rfc: "RFC 2544", isGloballyReachable: false },
  { prefix: "198.51.100.0/24", name: "Documentation (TEST-NET-2)", rfc: "RFC 5737", isGloballyReachable: false },
  { prefix: "203.0.113.0/24", name: "Documentation (TEST-NET-3)", rfc: "RFC 5737", isGloballyReachable: false },
  { prefix: "240.0.0.0/4", name: "Reserved", rfc: "RFC 1112 §4", isGloballyReachable: false },
  { prefix: "255.255.255.255/32", name: "Limited Broadcast", rfc: "RFC 8190, RFC 919 §7", isGloballyReachable: false },
  // IPv4 Multicast Address Space Registry
  { prefix: "224.0.0.0/4", name: "Multicast (address-space registry)", rfc: "RFC 5771", isGloballyReachable: false },

  // IPv6 Special-Purpose Address Registry
  { prefix: "::1/128", name: "Loopback Address", rfc: "RFC 4291", isGloballyReachable: false },
  { prefix: "::/128", name: "Unspecified Address", rfc: "RFC 4291", isGloballyReachable: false },
  { prefix: "::ffff:0:0/96", name: "IPv4-mapped Address", rfc: "RFC 4291", isGloballyReachable: false, carriesIPv4: true },
  { prefix: "64:ff9b::/96", name: "IPv4-IPv6 Translat.", rfc: "RFC 6052", isGloballyReachable: true, carriesIPv4: true },
  { prefix: "64:ff9b:1::/48", name: "IPv4-IPv6 Translat. (local use)", rfc: "RFC 8215", isGloballyReachable: false },
  { prefix: "100::/64", name: "Discard-Only Address Block", rfc: "RFC 6666", isGloballyReachable: false },
  { prefix: "2001::/23", name: "IETF Protocol Assignments", rfc: "RFC 2928", isGloballyReachable: false },
  { prefix: "2001::/32", name: "TEREDO (N/A)", rfc: "RFC 4380, RFC 8190", isGloballyReachable: false },
  { prefix: "2001:1::1/128", name: "Port Control Protocol Anycast", rfc: "RFC 7723", isGloballyReachable: true },
  { prefix: "2001:1::2/128", name: "Traversal Using Relays around NAT Anycast", rfc: "RFC 8155", isGloballyReachable: true },
  { prefix: "2001:1::3/128", name: "DNS-SD Service Registration Protocol Anycast", rfc: "RFC 9665", isGloballyReachable: true },
  { prefix: "2001:2::/48", name: "Benchmarking", rfc: "RFC 5180, RFC Errata 1752", isGloballyReachable: false },
  { prefix: "2001:3::/32", name: "AMT", rfc: "RFC 7450", isGloballyReachable: true },
  { prefix: "2001:4:112::/48", name: "AS112-v6", rfc: "RFC 7535", isGloballyReachable: true },
  { prefix: "2001:10::/28", name: "Deprecated (previously ORCHID) (N/A)", rfc: "RFC 4843", isGloballyReachable: false },
  { prefix: "2001:20::/28", name: "ORCHIDv2", rfc: "RFC 7343", isGloballyReachable: true },
  { prefix: "2001:30::/28", name: "Drone Remote ID Protocol Entity Tags (DETs) Prefix", rfc: "RFC 9374", isGloballyReachable: true },
  { prefix: "2001:db8::/32", name: "Documentation", rfc: "RFC 3849", isGloballyReachable: false },
  { prefix: "2002::/16", name: "6to4 (N/A)", rfc: "RFC 3056", isGloballyReachable: false },
  { prefix: "2620:4f:8000::/48", name: "Direct Delegation AS112 Service", rfc: "RFC 7534", isGloballyReachable: true },
  { prefix: "3fff::/20", name: "Documentation", rfc: "RFC 9637", isGloballyReachable: false },
  { prefix: "5f00::/16", name: "Segment Routing (SRv6) SIDs", rfc: "RFC 9602", isGloballyReachable: false },
  { prefix: "fc00::/7", name: "Unique-Local", rfc: "RFC 4193, RFC 8190", isGloballyReachable: false },
  { prefix: "fe80::/10", name: "Link-Local Unicast", rfc: "RFC 4291", isGloballyReachable: false },
  // IPv6 Address Space Registry: never allocated for global use, or withdrawn
  { prefix: "::/8", name: "Reserved by IETF, IPv4-compatible addresses (address-space registry)", rfc: "RFC 4291 §2.5.5.1", isGloballyReachable: false },
  { prefix: "100::/8", name: "Reserved by IETF (address-space registry)", rfc: "RFC 4291", isGloballyReachable: false },
  { prefix: "fec0::/10", name: "Site-local, deprecated (address-space registry)", rfc: "RFC 3879", isGloballyReachable: false },
  { prefix: "ff00::/8", name: "Multicast (address-space registry)", rfc: "RFC 4291", isGloballyReachable: false },
];
