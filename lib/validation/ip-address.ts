// IP addresses as bytes and as one canonical text (RFC 5952), for subject alternative names
// (issue 20) and the name policy's CIDR ranges. Written without node:net because the
// console's forms run the same checks in the browser as the server does. Strict on purpose:
// no zone ids (`%eth0`, meaningless in a certificate) and no leading zeros in IPv4 parts,
// which some parsers read as octal (010.0.0.1 = 8.0.0.1).

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/;

function parseIpv4(text: string): Uint8Array | null {
  const match = IPV4.exec(text);
  if (!match) return null;
  const parts = match.slice(1).map((part) => (part.length > 1 && part.startsWith("0") ? NaN : Number(part)));
  return parts.every((n) => n <= 255) ? new Uint8Array(parts) : null;
}

/** Hex groups of one side of `::` as 16-bit numbers; a dotted IPv4 tail counts as two groups. */
function groupsOf(side: string, mayEndInIpv4: boolean): number[] | null {
  if (side === "") return [];
  const parts = side.split(":");
  const groups: number[] = [];
  for (const [i, part] of parts.entries()) {
    if (mayEndInIpv4 && i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIpv4(part);
      if (!v4) return null;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (HEX_GROUP.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return null;
    }
  }
  return groups;
}

function parseIpv6(text: string): Uint8Array | null {
  const halves = text.toLowerCase().split("::");
  if (halves.length > 2) return null;
  const head = groupsOf(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1]!, true) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  // `::` stands for at least one zero group; without it there must be exactly eight.
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

/** The address's octets (4 for IPv4, 16 for IPv6), or null when the text is not one address. */
export function parseIpAddress(text: string): Uint8Array | null {
  if (text.length > 45) return null; // the longest IPv6 text form
  return text.includes(":") ? parseIpv6(text) : parseIpv4(text);
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), or null. */
export function mappedIpv4(bytes: Uint8Array): Uint8Array | null {
  if (bytes.length !== 16) return null;
  const isMapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return isMapped ? bytes.slice(12) : null;
}

/** RFC 5952 text: lower case, no leading zeros, the first longest run of 2+ zero groups as `::`, mapped IPv4 dotted. */
export function formatIpAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join(".");
  if (bytes.length !== 16) throw new RangeError(`An IP address has 4 or 16 octets, not ${bytes.length}`);
  const v4 = mappedIpv4(bytes);
  if (v4) return `::ffff:${formatIpAddress(v4)}`;
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(":");
  if (best.start < 0) return hex(groups);
  return `${hex(groups.slice(0, best.start))}::${hex(groups.slice(best.start + best.length))}`;
}
