import { isIPv4, isIPv6 } from "node:net";
import { SPECIAL_RANGES, type SpecialRange } from "@/lib/domain/webhooks/special-addresses";

// Where a webhook may not go (SSRF): an administrator's URL must not reach the database,
// the cloud metadata service or anything else only the server can see. Every block of IANA's
// special-purpose registries that is not globally reachable is refused (the registry is
// data, special-addresses.ts); the most specific block containing an address decides. IPv6
// forms that carry an IPv4 address (mapped, NAT64's well-known prefix, any spelling) are
// judged by that address, since that is where the packets go.

type Block = SpecialRange & { isV4: boolean; base: bigint; mask: bigint; bits: number };

function ipv4Value(address: string): bigint {
  return address.split(".").reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
}

/** The 128-bit value of an IPv6 address (a trailing dotted IPv4 part included), or null. */
function ipv6Value(address: string): bigint | null {
  let text = address.toLowerCase().split("%")[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4Value(dotted[1]!);
    text = text.slice(0, -dotted[1]!.length) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const parse = (s: string | undefined) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  const groups = tail === undefined ? front : [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
  if (groups.length !== 8 || !groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)) return null;
  return groups.reduce((n, g) => (n << 16n) | BigInt(g), 0n);
}

const BLOCKS: Block[] = SPECIAL_RANGES.map((range) => {
  const [base, bitsText] = range.prefix.split("/") as [string, string];
  const isV4 = isIPv4(base);
  const width = isV4 ? 32 : 128;
  const bits = Number(bitsText);
  const mask = ((1n << BigInt(width)) - 1n) ^ ((1n << BigInt(width - bits)) - 1n);
  return { ...range, isV4, base: (isV4 ? ipv4Value(base) : ipv6Value(base)!) & mask, mask, bits };
});

/** The most specific registry block holding the address, if any. */
function blockOf(value: bigint, isV4: boolean): Block | undefined {
  let best: Block | undefined;
  for (const block of BLOCKS) {
    if (block.isV4 === isV4 && (value & block.mask) === block.base && (!best || block.bits > best.bits)) best = block;
  }
  return best;
}

const REFUSED = "not globally reachable";
const refusal = (address: string, block: Block) => `${address} is ${REFUSED} (${block.name}, ${block.prefix}, ${block.rfc})`;

/** Why an IP address may not be a webhook target, or null when it may. */
export function refusalOf(address: string): string | null {
  if (isIPv4(address)) {
    const block = blockOf(ipv4Value(address), true);
    return block && !block.isGloballyReachable ? refusal(address, block) : null;
  }
  const value = isIPv6(address) ? ipv6Value(address) : null;
  if (value === null) return `${address} is not an IP address`;
  const block = blockOf(value, false);
  if (block?.carriesIPv4) {
    const inner = [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
    const why = refusalOf(inner);
    return why ? `${address} carries ${inner}, which is ${why.slice(inner.length + 4)}` : null;
  }
  return block && !block.isGloballyReachable ? refusal(address, block) : null;
}
