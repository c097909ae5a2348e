import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fieldErrors } from "@/lib/validation/parse";
import { subjectAltNamesFromCsv, subjectAltNamesSchema } from "@/lib/validation/subject-alt-names";

const strict = subjectAltNamesSchema({ allowWildcards: false });
const withWildcards = subjectAltNamesSchema({ allowWildcards: true });
/** As a token body nests it, so paths read as the contract's. */
const body = z.object({ subjectAltNames: strict.optional() });

function problems(input: unknown, schema: z.ZodType = body) {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
}

describe("subjectAltNames", () => {
  it("is built once per wildcard setting (hot paths ask for it on every request), and the two settings differ", () => {
    expect(subjectAltNamesSchema({ allowWildcards: false })).toBe(strict);
    expect(subjectAltNamesSchema({ allowWildcards: true })).toBe(withWildcards);
    expect(strict.safeParse({ dns: ["*.example.com"] }).success).toBe(false);
    expect(withWildcards.safeParse({ dns: ["*.example.com"] }).success).toBe(true);
  });

  it("normalises each kind and drops empty lists", () => {
    const parsed = strict.parse({
      dns: [" Build-7.CI.Example.com. ", "localhost"],
      ip: ["10.0.0.7", "2001:DB8:0:0:0:0:0:7", "::FFFF:192.0.2.1", "fe80:0:0:1:0:0:0:1"],
      uri: ["HTTPS://Host.Example.com:8443/a?b=c#d", "tag:microsoft.com,2022-09-14:sid:S-1-5-21-1", "https://[2001:DB8::0:1]/"],
      email: ["Dana.Smith@Example.COM"],
    });
    expect(parsed).toEqual({
      dns: ["build-7.ci.example.com", "localhost"],
      ip: ["10.0.0.7", "2001:db8::7", "::ffff:192.0.2.1", "fe80:0:0:1::1"],
      uri: ["https://host.example.com:8443/a?b=c#d", "tag:microsoft.com,2022-09-14:sid:S-1-5-21-1", "https://[2001:db8::1]/"],
      email: ["Dana.Smith@example.com"],
    });
    expect(strict.parse({ dns: [], ip: [] })).toEqual({});
    expect(strict.parse({ uri: ["SPIFFE://Example.ORG/ns/prod/sa/api"] })).toEqual({ uri: ["spiffe://example.org/ns/prod/sa/api"] });
  });

  it("names the failing value's path under subjectAltNames", () => {
    const found = problems({ subjectAltNames: { dns: ["ok.example.com", "bad_name.example.com"], ip: ["10.0.0.256"] } });
    expect(found.map((p) => p.path)).toEqual([
      ["subjectAltNames", "dns", 1],
      ["subjectAltNames", "ip", 0],
    ]);
    const result = body.safeParse({ subjectAltNames: { email: ["a@example.com", "Dana <dana@example.com>"] } });
    expect(result.success || fieldErrors(result.error)).toEqual([{ path: "subjectAltNames.email[1]", message: expect.stringContaining("only the address") }]);
  });

  it.each([
    ["dns", "-lead.example.com"],
    ["dns", "a..example.com"],
    ["dns", `${"a".repeat(64)}.example.com`],
    ["dns", "10.1.2.3"],
    ["dns", "bücher.example"],
    ["dns", "a.*.example.com"],
    ["dns", "foo*.example.com"],
    ["ip", "010.0.0.1"],
    ["ip", "1.2.3"],
    ["ip", "fe80::1%eth0"],
    ["ip", "1:2:3:4:5:6:7::8"],
    ["ip", "1::2::3"],
    ["ip", "2001:db8::1.2.3"],
    ["uri", "/relative/path"],
    ["uri", "https://exa mple.com/"],
    ["uri", "https:///no-host"],
    ["uri", "https://example.com/a/../b"],
    ["uri", "https://example.com:99999/"],
    ["uri", "https://example.com/%zz"],
    ["uri", "spiffe://user@example.org/x"],
    ["uri", "spiffe://example.org:8443/x"],
    ["uri", "spiffe://example.org/x?y"],
    ["uri", "spiffe://example.org"],
    ["uri", "spiffe://example.org/a//b"],
    ["uri", "spiffe://example.org/a/"],
    ["uri", "spiffe://example.org/a/../b"],
    ["uri", "spiffe://exa%41mple.org/a"],
    ["uri", `https://example.com/${"a".repeat(240)}`],
    ["email", "no-at-sign"],
    ["email", "dana@"],
    ["email", "@example.com"],
    ["email", "\"dana smith\"@example.com"],
    ["email", "dana..smith@example.com"],
    ["email", "dana@exa_mple.com"],
  ])("refuses %s %s", (kind, value) => {
    expect(problems({ [kind]: [value] }, withWildcards)).toEqual([{ path: [kind, 0], message: expect.any(String) }]);
  });

  it("accepts a wildcard only as the whole left-most label and only when the profile allows it", () => {
    expect(withWildcards.parse({ dns: ["*.CI.example.com"] })).toEqual({ dns: ["*.ci.example.com"] });
    expect(problems({ dns: ["*.ci.example.com"] }, strict)).toEqual([{ path: ["dns", 0], message: "Wildcards are not allowed by this Frontdoor's profile" }]);
    expect(problems({ dns: ["*.com"] }, withWildcards)).toEqual([{ path: ["dns", 0], message: expect.stringContaining("two labels") }]);
    expect(problems({ dns: ["*.*.example.com"] }, withWildcards)).toHaveLength(1);
  });

  it("refuses more than 20 values, duplicates after normalising, unknown keys and a SPIFFE ID beside another URI", () => {
    const many = Array.from({ length: 21 }, (_, i) => `h${i}.example.com`);
    expect(problems({ dns: many }, strict)).toEqual([{ path: ["dns"], message: "At most 20 values" }]);
    expect(problems({ dns: Array.from({ length: 20 }, (_, i) => `h${i}.example.com`) }, strict)).toEqual([]);
    expect(problems({ ip: ["2001:db8::1", "2001:DB8:0::1"] }, strict)).toEqual([{ path: ["ip", 1], message: "Listed twice (same as ip[0])" }]);
    expect(problems({ dnsNames: ["a.example.com"] }, strict)).toEqual([expect.objectContaining({ path: [] })]);
    expect(problems({ uri: ["https://example.com/", "spiffe://example.org/x"] }, strict)).toEqual([{ path: ["uri", 1], message: expect.stringContaining("only URI") }]);
  });

  it("gives the same output when its output is parsed again (the domain re-parses with the profile)", () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
    const host = fc.tuple(fc.array(label, { minLength: 1, maxLength: 4 }), fc.constantFrom("com", "org", "Example")).map(([ls, tld]) => [...ls, tld].join("."));
    const ip = fc.oneof(fc.ipV4(), fc.ipV6());
    const sans = fc.record({
      dns: fc.uniqueArray(fc.tuple(host, fc.boolean()).map(([h, upper]) => (upper ? h.toUpperCase() : h)), { maxLength: 5, selector: (h) => h.toLowerCase() }),
      ip: fc.uniqueArray(ip, { maxLength: 5 }),
      email: fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9.+_-]{0,10}[a-z0-9]$/), host).map(([l, h]) => `${l.replace(/\.{2,}/g, ".")}@${h}`), { maxLength: 5, selector: (e) => e.toLowerCase() }),
    });
    fc.assert(
      fc.property(sans, (input) => {
        const once = strict.safeParse(input);
        // fast-check's IPv6 spellings may collide after normalising; those are refused, and rightly.
        fc.pre(once.success);
        expect(strict.parse(once.data)).toEqual(once.data);
      }),
    );
  });
});

describe("subjectAltNamesFromCsv", () => {
  it("splits each cell on white space and leaves out empty cells", () => {
    expect(subjectAltNamesFromCsv({ dnsNames: " a.example.com  b.example.com ", ipAddresses: "", uris: "spiffe://example.org/x", emails: undefined })).toEqual({
      dns: ["a.example.com", "b.example.com"],
      uri: ["spiffe://example.org/x"],
    });
    expect(subjectAltNamesFromCsv({ dnsNames: "  ", emails: null })).toBeUndefined();
    expect(strict.parse(subjectAltNamesFromCsv({ ipAddresses: "10.0.0.1\t2001:db8::1" }))).toEqual({ ip: ["10.0.0.1", "2001:db8::1"] });
  });
});
