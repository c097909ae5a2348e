import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkNames, compileNamePolicy, type NameKind, type NamePolicy, nameRefusalDetail, namePolicySchema } from "@/lib/domain/names/policy";
import { formatIpAddress } from "@/lib/validation/ip-address";

const policy = (input: unknown): NamePolicy => namePolicySchema.parse(input);
/** The refusal's rule for one name, or null when the policy lets it through. */
const ruleFor = (input: unknown, kind: NameKind, value: string) => compileNamePolicy(policy(input))(kind, value)?.rule ?? null;
const allows = (kind: NameKind, patterns: string[], value: string) => ruleFor({ allow: { [kind]: patterns } }, kind, value) === null;

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);

/** A good pattern of each kind, so the bad one's path has an index past 0. */
const VALID: Record<string, string> = { ip: "10.0.0.0/8", dns: "ok.example.com", uri: "https://example.com/*", email: "*@example.com" };

describe("namePolicySchema", () => {
  it("normalises patterns", () => {
    expect(policy({ allow: { dns: ["*.CI.Example.com."], ip: ["2001:DB8::/32", "10.0.0.7"], uri: ["SPIFFE://Example.ORG/ns/Prod/*"], email: ["*@Example.COM", "Dana@Example.COM"] }, deny: { commonName: ["Root *"] } })).toEqual({
      allow: { dns: ["*.ci.example.com"], ip: ["2001:db8::/32", "10.0.0.7/32"], uri: ["spiffe://example.org/ns/Prod/*"], email: ["*@example.com", "Dana@example.com"] },
      deny: { commonName: ["root *"] },
    });
  });

  it.each([
    ["ip", "10.0.0.0/33", "from 0 to 32"],
    ["ip", "10.0.0.1/8", "use 10.0.0.0/8"],
    ["ip", "2001:db8::1/32", "use 2001:db8::/32"],
    ["ip", "300.0.0.0/8", "CIDR"],
    ["ip", "10.0.0.0/8/8", "CIDR"],
    ["ip", "10.*", "CIDR"],
    ["dns", "a**.example.com", "more than one *"],
    ["dns", "a*b*c.example.com", "more than one *"],
    ["dns", "a..example.com", "empty labels"],
    ["dns", "under_score.example.com", "letters, digits"],
    ["uri", "spiffe://*/ns", "may only end"],
    ["uri", "*", "scheme"],
    ["uri", "no-scheme/*", "scheme"],
    ["email", "dana*@example.com", "*@domain"],
    ["email", "*@*.example.com", "whole part before @"],
    ["email", "not-an-address", "email address"],
  ])("refuses the %s pattern %s with its path", (kind, pattern, message) => {
    const result = z.object({ namePolicy: namePolicySchema }).safeParse({ namePolicy: { deny: { [kind]: [VALID[kind], pattern] } } });
    expect(result.success ? [] : result.error.issues).toEqual([expect.objectContaining({ path: ["namePolicy", "deny", kind, 1], message: expect.stringContaining(message) })]);
  });

  it("refuses unknown kinds and sides and more than 100 patterns", () => {
    expect(namePolicySchema.safeParse({ allow: { cn: ["x"] } }).success).toBe(false);
    expect(namePolicySchema.safeParse({ permit: {} }).success).toBe(false);
    expect(namePolicySchema.safeParse({ deny: { dns: Array.from({ length: 101 }, (_, i) => `h${i}.example.com`) } }).success).toBe(false);
  });
});

describe("matching", () => {
  it("dns and commonName: * is one label or part of one, a leading dot anything below, case-insensitively", () => {
    expect(allows("dns", ["*.corp.example.com"], "a.corp.example.com")).toBe(true);
    expect(allows("dns", ["*.corp.example.com"], "A.CORP.Example.com.")).toBe(true);
    expect(allows("dns", ["*.corp.example.com"], "a.b.corp.example.com")).toBe(false);
    expect(allows("dns", ["*.corp.example.com"], "corp.example.com")).toBe(false);
    expect(allows("dns", ["agent-*.ci.example.com"], "agent-7.ci.example.com")).toBe(true);
    expect(allows("dns", ["agent-*.ci.example.com"], "agent-.ci.example.com")).toBe(false);
    expect(allows("dns", ["agent-*.ci.example.com"], "db.ci.example.com")).toBe(false);
    expect(allows("dns", [".corp.example.com"], "a.b.corp.example.com")).toBe(true);
    expect(allows("dns", [".corp.example.com"], "corp.example.com")).toBe(false);
    expect(allows("dns", [".corp.example.com"], "xcorp.example.com")).toBe(false);
    expect(allows("commonName", ["*.ci.example.com", "build agent *"], "Build Agent 7")).toBe(true);
    expect(allows("commonName", ["*.ci.example.com"], "Dana Smith")).toBe(false);
  });

  it("a wildcard name passes an allow pattern only if every name it covers does, and meets any deny pattern one of them meets", () => {
    expect(allows("dns", ["*.ci.example.com"], "*.ci.example.com")).toBe(true);
    expect(allows("dns", [".example.com"], "*.ci.example.com")).toBe(true);
    expect(allows("dns", ["agent-*.ci.example.com"], "*.ci.example.com")).toBe(false);
    expect(ruleFor({ deny: { dns: ["secret.ci.example.com"] } }, "dns", "*.ci.example.com")).toBe("deny secret.ci.example.com");
    expect(ruleFor({ deny: { dns: ["secret.ci.example.com"] } }, "dns", "*.other.example.com")).toBeNull();
  });

  it("ip: CIDR ranges of either family; an IPv4-mapped address meets IPv4 ranges", () => {
    expect(allows("ip", ["10.0.0.0/8"], "10.255.0.1")).toBe(true);
    expect(allows("ip", ["10.0.0.0/8"], "11.0.0.1")).toBe(false);
    expect(allows("ip", ["10.0.0.0/8"], "::ffff:10.1.2.3")).toBe(true);
    expect(ruleFor({ deny: { ip: ["10.0.0.0/8"] } }, "ip", "::FFFF:a01:203")).toBe("deny 10.0.0.0/8");
    expect(allows("ip", ["10.0.0.0/8"], "2001:db8::a01:203")).toBe(false);
    expect(allows("ip", ["2001:db8::/32"], "2001:DB8:1::5")).toBe(true);
    expect(allows("ip", ["0.0.0.0/0"], "2001:db8::1")).toBe(false);
    expect(allows("ip", ["192.0.2.7"], "192.0.2.7")).toBe(true);
    expect(allows("ip", ["192.0.2.7"], "192.0.2.8")).toBe(false);
  });

  it("ip: an address meets a range exactly when its first prefix bits are the network's", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 128 }), (isV4, a, b, rawPrefix) => {
        const [network, address] = isV4 ? [a.slice(0, 4), b.slice(0, 4)] : [a, b];
        const prefix = isV4 ? rawPrefix % 33 : rawPrefix;
        const bit = (bytes: Uint8Array, i: number) => (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
        for (let i = prefix; i < network.length * 8; i++) if (bit(network, i)) network[i >> 3]! ^= 1 << (7 - (i & 7));
        const isInside = Array.from({ length: prefix }, (_, i) => i).every((i) => bit(network, i) === bit(address, i));
        expect(allows("ip", [`${formatIpAddress(network)}/${prefix}`], formatIpAddress(address))).toBe(isInside);
      }),
    );
  });

  it("uri: exact, or a prefix ending in *, scheme and host case-insensitive, path not", () => {
    expect(allows("uri", ["spiffe://example.org/ns/prod/*"], "spiffe://Example.org/ns/prod/sa/api")).toBe(true);
    expect(allows("uri", ["spiffe://example.org/ns/prod/*"], "spiffe://example.org/ns/PROD/sa/api")).toBe(false);
    expect(allows("uri", ["spiffe://example.org/ns/prod/*"], "spiffe://example.org/ns/staging/sa/api")).toBe(false);
    expect(allows("uri", ["https://example.com/a"], "HTTPS://EXAMPLE.com/a")).toBe(true);
    expect(allows("uri", ["https://example.com/a"], "https://example.com/a/b")).toBe(false);
  });

  it("email: exact (the local part as written) or *@domain (that domain only)", () => {
    expect(allows("email", ["*@example.com"], "Dana@EXAMPLE.com")).toBe(true);
    expect(allows("email", ["*@example.com"], "dana@sub.example.com")).toBe(false);
    expect(allows("email", ["dana@example.com"], "dana@Example.com")).toBe(true);
    expect(allows("email", ["dana@example.com"], "Dana@example.com")).toBe(false);
    // A deny holds whatever the local part's case: Root@ and root@ are one mailbox almost everywhere.
    expect(ruleFor({ deny: { email: ["root@example.com"] } }, "email", "Root@example.com")).toBe("deny root@example.com");
  });

  it("commonName: a trailing dot or surrounding spaces do not step past a rule", () => {
    for (const value of ["admin.corp.example.com.", " admin.corp.example.com", "ADMIN.corp.example.com. "]) {
      expect(ruleFor({ deny: { commonName: ["admin.corp.example.com"] } }, "commonName", value)).toBe("deny admin.corp.example.com");
      expect(ruleFor({ deny: { commonName: [".corp.example.com"] } }, "commonName", value)).toBe("deny .corp.example.com");
    }
  });
});

describe("checkNames", () => {
  const names = { commonName: "agent-7.ci.example.com", subjectAltNames: { dns: ["agent-7.ci.example.com", "db.prod.example.com"], ip: ["10.0.0.7"], email: ["dana@example.com"] } };

  it("gives the first refusal, CN first, then the SANs in order, naming the value, kind and rule", () => {
    expect(checkNames(policy({ allow: { dns: [".ci.example.com", "*.dev.example.com"] } }), names)).toEqual({ value: "db.prod.example.com", kind: "dns", rule: "not in allow list (.ci.example.com, *.dev.example.com)" });
    expect(checkNames(policy({ deny: { ip: ["10.0.0.0/8"], commonName: ["agent-*.ci.example.com"] } }), names)).toEqual({ value: "agent-7.ci.example.com", kind: "commonName", rule: "deny agent-*.ci.example.com" });
    expect(checkNames(policy({ deny: { ip: ["10.0.0.0/8"] } }), names)).toEqual({ value: "10.0.0.7", kind: "ip", rule: "deny 10.0.0.0/8" });
    expect(checkNames(policy({ allow: { ip: ["10.0.0.0/24"], uri: [] } }), names)).toBeNull();
    expect(checkNames(policy({ allow: { email: [] } }), names)).toEqual({ value: "dana@example.com", kind: "email", rule: "not in allow list ()" });
    expect(checkNames(null, names)).toBeNull();
    expect(checkNames(policy({ allow: { commonName: ["x"] } }), { commonName: null })).toBeNull();
    expect(nameRefusalDetail({ value: "10.0.0.7", kind: "ip", rule: "deny 10.0.0.0/8" })).toBe(`The IP address "10.0.0.7" is outside this Frontdoor's name policy: deny 10.0.0.0/8.`);
  });

  it("lets any name below a leading-dot pattern through, and deny always wins", () => {
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), fc.boolean(), (labels, upper) => {
        const name = `${labels.join(".")}.corp.example.com`;
        const value = upper ? name.toUpperCase() : name;
        const allowBelow = { allow: { dns: [".corp.example.com"], commonName: [".corp.example.com"] } };
        expect(checkNames(policy(allowBelow), { commonName: value, subjectAltNames: { dns: [value] } })).toBeNull();
        const denied = policy({ ...allowBelow, deny: { dns: [name] } });
        expect(checkNames(denied, { commonName: value, subjectAltNames: { dns: [value] } })).toEqual({ value, kind: "dns", rule: `deny ${name}` });
      }),
    );
  });

  it("refuses to read a stored policy whose pattern no longer passes the schema", () => {
    expect(() => compileNamePolicy({ allow: { ip: ["10.0.0.1/8"] } })).toThrow(/allow\.ip/);
  });
});
