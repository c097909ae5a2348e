import fc from "fast-check";
import { readTlv } from "@/lib/pki/der";

// Near-valid hostile DER for the fuzzing suite. A real input (a CSR, a certificate, an OCSP
// request) is read into a tree of TLVs, one thing about one node is broken (its length
// encoding, its tag, its content, its place), and the tree is written back with every other
// length right, so a parser gets past the envelope and meets the defect deep inside. Byte
// level damage (bit flips, truncations) and plain random bytes come on top.

/** The most any generated input may be: the HTTP doors refuse larger bodies before parsing. */
export const MAX_INPUT_BYTES = 64 * 1024;

type LengthForm = "minimal" | "long1" | "long2" | "long4" | "indefinite" | { declared: number; bytes: number };
/** A TLV to write, or bytes written already (deep nesting is built bottom-up, not recursively). */
export type DerNode = { tag: number[]; lengthForm: LengthForm; content: Uint8Array | DerNode[] } | { raw: Uint8Array };

/** The tree of a DER value; content of constructed tags (bit 6 set) is read as children. */
export function parseDerTree(der: Uint8Array, start = 0, end = der.length): DerNode[] {
  const nodes: DerNode[] = [];
  for (let offset = start; offset < end; ) {
    const tlv = readTlv(der, offset);
    const tag = der[offset]!;
    const content = der.subarray(tlv.contentStart, tlv.end);
    nodes.push({ tag: [tag], lengthForm: "minimal", content: tag & 0x20 ? parseDerTree(der, tlv.contentStart, tlv.end) : content });
    offset = tlv.end;
  }
  return nodes;
}

function lengthBytes(length: number, form: LengthForm): number[] {
  const big = (n: number, count: number) => Array.from({ length: count }, (_, i) => Math.floor(n / 256 ** (count - 1 - i)) % 256);
  if (typeof form === "object") return [0x80 | form.bytes, ...big(form.declared, form.bytes)];
  switch (form) {
    case "indefinite":
      return [0x80];
    case "long1":
      return length < 256 ? [0x81, length] : lengthBytes(length, "minimal");
    case "long2":
      return length < 65536 ? [0x82, ...big(length, 2)] : lengthBytes(length, "minimal");
    case "long4":
      return [0x84, ...big(length, 4)];
    case "minimal": {
      if (length < 0x80) return [length];
      const count = length < 256 ? 1 : length < 65536 ? 2 : length < 2 ** 24 ? 3 : 4;
      return [0x80 | count, ...big(length, count)];
    }
  }
}

export function encodeDer(nodes: DerNode[]): Uint8Array {
  const parts = nodes.map((node) => {
    if ("raw" in node) return node.raw;
    const content = node.content instanceof Uint8Array ? node.content : encodeDer(node.content);
    const eoc = node.lengthForm === "indefinite" ? [0, 0] : [];
    return Buffer.concat([Buffer.from(node.tag), Buffer.from(lengthBytes(content.length, node.lengthForm)), content, Buffer.from(eoc)]);
  });
  return new Uint8Array(Buffer.concat(parts));
}

/** Every node, depth first, with a setter that replaces it in its parent. */
type Target = { node: Exclude<DerNode, { raw: Uint8Array }>; replace: (with_: DerNode[]) => void };

function walk(nodes: DerNode[]): Target[] {
  const out: Target[] = [];
  const visit = (list: DerNode[]) => {
    list.forEach((node, i) => {
      if ("raw" in node) return;
      out.push({ node, replace: (with_) => list.splice(i, 1, ...with_) });
      if (!(node.content instanceof Uint8Array)) visit(node.content);
    });
  };
  visit(nodes);
  return out;
}

const clone = (nodes: DerNode[]): DerNode[] => nodes.map((n) => ("raw" in n ? n : { ...n, tag: [...n.tag], content: n.content instanceof Uint8Array ? n.content : clone(n.content) }));

/** One structural defect, applied to a copy of the tree (mutates the copy). */
type Defect = (target: Target) => void;

const defect: fc.Arbitrary<Defect> = fc.oneof(
  // Lengths: non-minimal, indefinite, and declared lengths that lie (a little or wildly).
  fc.constantFrom<LengthForm>("long1", "long2", "long4", "indefinite").map((form): Defect => ({ node }) => void (node.lengthForm = form)),
  fc
    .record({ declared: fc.oneof(fc.nat(300), fc.constantFrom(0x7fffffff, 0xffffffff, 2 ** 53 - 1, 2 ** 40)), bytes: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constantFrom(8, 9, 126, 127)) })
    .map((form): Defect => ({ node }) => void (node.lengthForm = form)),
  // Tags: any byte, the constructed bit flipped, class changed, high-tag-number form.
  fc.integer({ min: 0, max: 255 }).map((tag): Defect => ({ node }) => void (node.tag = [tag])),
  fc.constantFrom(0x20, 0x40, 0x80, 0xc0).map((bits): Defect => ({ node }) => void (node.tag = [node.tag[0]! ^ bits])),
  fc.array(fc.integer({ min: 0x80, max: 0xff }), { maxLength: 12 }).map((middle): Defect => ({ node }) => void (node.tag = [(node.tag[0]! & 0xe0) | 0x1f, ...middle, 0x01])),
  // Content: random, empty, or huge.
  fc.uint8Array({ maxLength: 64 }).map((bytes): Defect => ({ node }) => void (node.content = bytes)),
  fc.integer({ min: 1000, max: 60_000 }).map((size): Defect => ({ node }) => void (node.content = new Uint8Array(size).fill(0x41))),
  // Place: dropped, repeated, wrapped in deep nesting.
  fc.constant<Defect>(({ replace }) => replace([])),
  fc.integer({ min: 2, max: 50 }).map((times): Defect => ({ node, replace }) => replace(Array.from({ length: times }, () => node))),
  fc.integer({ min: 1, max: 3000 }).map((depth): Defect => ({ node, replace }) => {
    let raw = encodeDer([node]);
    for (let i = 0; i < depth; i++) raw = i % 2 ? encodeDer([{ tag: [0x30], lengthForm: "minimal", content: raw }]) : new Uint8Array(Buffer.concat([Buffer.from([0x30, 0x80]), raw, Buffer.from([0, 0])]));
    replace([{ raw }]);
  }),
);

/** A copy of `seed` with one structural defect in one of its TLVs. */
export function structuralMutation(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  const count = walk(parseDerTree(seed)).length;
  return fc.tuple(fc.nat(count - 1), defect).map(([index, apply]) => {
    const tree = clone(parseDerTree(seed));
    apply(walk(tree)[index]!);
    return encodeDer(tree).subarray(0, MAX_INPUT_BYTES);
  });
}

/** Byte-level damage: flipped bits, overwritten or inserted bytes, truncation, appended junk. */
export function byteMutation(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  const at = fc.nat(seed.length - 1);
  return fc.oneof(
    fc.array(fc.tuple(at, fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 }).map((flips) => {
      const out = new Uint8Array(seed);
      for (const [i, bit] of flips) out[i]! ^= 1 << bit;
      return out;
    }),
    fc.tuple(at, fc.integer({ min: 0, max: 255 })).map(([i, value]) => {
      const out = new Uint8Array(seed);
      out[i] = value;
      return out;
    }),
    fc.tuple(at, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([i, bytes]) => new Uint8Array(Buffer.concat([seed.subarray(0, i), bytes, seed.subarray(i)]))),
    at.map((n) => seed.slice(0, n)),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((junk) => new Uint8Array(Buffer.concat([seed, junk]))),
  );
}

/** Random bytes, sometimes behind a plausible SEQUENCE header so parsers read further. */
export const randomDer: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  fc.uint8Array({ maxLength: 2048 }).map((body) => encodeDer([{ tag: [0x30], lengthForm: "minimal", content: body }])),
);

/** Any of the above, seeded from real inputs. */
export function hostileDer(seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const seed = fc.constantFrom(...seeds);
  return fc.oneof(
    { weight: 4, arbitrary: seed.chain(structuralMutation) },
    { weight: 4, arbitrary: seed.chain(byteMutation) },
    { weight: 1, arbitrary: randomDer },
  );
}

/**
 * Small BER trees made from nothing, for the guard in lib/pki/asn1-parse.ts, which must walk
 * BER exactly as asn1js does: any tag byte (every class with and without the constructed
 * bit), long tag numbers, lengths that lie in either direction, indefinite lengths,
 * end-of-contents anywhere, and BOOLEANs of 0 to 3 octets.
 */
export const berTrees: fc.Arbitrary<Uint8Array> = (() => {
  const tag = fc.oneof(
    fc.integer({ min: 0, max: 255 }).map((byte) => [byte]),
    fc.constantFrom<number[]>([0x30], [0x31], [0x10], [0x11], [0x23], [0x24], [0x2a], [0x2c], [0xa0], [0x01], [0x1f, 0x01], [0x21]),
    fc.tuple(fc.constantFrom(0x1f, 0x3f, 0x9f, 0xbf), fc.array(fc.integer({ min: 0x80, max: 0xff }), { maxLength: 9 }), fc.integer({ min: 0, max: 0x7f })).map(([first, middle, last]) => [first, ...middle, last]),
  );
  const lengthForm = fc.constantFrom<LengthForm>("minimal", "minimal", "long1", "indefinite");
  const lie = (content: Uint8Array) => fc.tuple(tag, fc.nat(12)).map(([t, declared]): DerNode => ({ raw: Uint8Array.from([...t, declared, ...content]) }));
  const { node } = fc.letrec<{ node: DerNode; children: DerNode[] }>((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      fc.record({ tag, lengthForm, content: fc.uint8Array({ maxLength: 6 }) }),
      fc.record({ tag: fc.constantFrom<number[]>([0x01], [0x1f, 0x01]), lengthForm, content: fc.uint8Array({ maxLength: 3 }) }),
      fc.constantFrom<DerNode>({ raw: Uint8Array.from([0, 0]) }, { raw: Uint8Array.from([0, 2]) }, { raw: Uint8Array.from([0x20, 0]) }),
      fc.uint8Array({ maxLength: 6 }).chain(lie),
      fc.record({ tag, lengthForm, content: tie("children") }),
      tie("children").chain((children) => lie(encodeDer(children))),
    ),
    children: fc.array(tie("node"), { maxLength: 4 }),
  }));
  return fc.array(node, { minLength: 1, maxLength: 3 }).map(encodeDer);
})();
