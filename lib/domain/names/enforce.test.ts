import { describe, expect, it } from "vitest";
import { assertBatchWithinRules, assertKeyTypeAllowed, assertTokenWithinRules, keyTypeOf, rulesOf, tokenProblems, validDaysUnder } from "@/lib/domain/names/enforce";
import { assertCsrCommonName, subjectAltNamesToIssue } from "@/lib/domain/names/issuance";
import { opensslCsr } from "@/lib/testing/openssl";
import { DEFAULT_PROFILE } from "@/lib/validation/frontdoors";

// The one rule set for names and profiles (names/enforce.ts, names/issuance.ts), without a database.

const rules = (profile: object = {}, namePolicy: object = {}) => rulesOf({ profile: { ...DEFAULT_PROFILE, ...profile }, namePolicy });
const policy = { allow: { commonName: ["*.ci.example.com"], dns: [".ci.example.com"], ip: ["10.0.0.0/8"] }, deny: { dns: ["*.prod.ci.example.com"] } };

describe("tokenProblems", () => {
  it("passes what the profile and policy allow", () => {
    expect(tokenProblems(rules({}, policy), { commonName: "a.ci.example.com", subjectAltNames: { dns: ["x.y.ci.example.com"], ip: ["10.1.2.3"] }, validDays: 825 })).toEqual({ errors: [], refusal: null });
  });

  it("names the first refused value, its rule and its path", () => {
    const r = rules({}, policy);
    expect(tokenProblems(r, { commonName: "laptop.example.com" }).refusal).toEqual({ value: "laptop.example.com", kind: "commonName", rule: "not in allow list (*.ci.example.com)", path: "commonName" });
    expect(tokenProblems(r, { commonName: "a.ci.example.com", subjectAltNames: { dns: ["ok.ci.example.com", "db.prod.ci.example.com"] } }).refusal).toMatchObject({
      value: "db.prod.ci.example.com",
      rule: "deny *.prod.ci.example.com",
      path: "subjectAltNames.dns[1]",
    });
    expect(() => assertTokenWithinRules(r, { subjectAltNames: { ip: ["192.168.0.1"] } })).toThrow(expect.objectContaining({ code: "name_not_allowed", message: expect.stringContaining('"192.168.0.1"') }));
  });

  it("refuses validDays over maxValidDays and wildcards the profile does not allow, as field errors", () => {
    expect(tokenProblems(rules({ maxValidDays: 30 }), { validDays: 31, subjectAltNames: { dns: ["*.example.com"] } }).errors.map((e) => e.path)).toEqual(["validDays", "subjectAltNames.dns[0]"]);
    expect(tokenProblems(rules({ allowWildcards: true }), { subjectAltNames: { dns: ["*.example.com"] } }).errors).toEqual([]);
    expect(() => assertTokenWithinRules(rules({ maxValidDays: 30 }), { validDays: 31 })).toThrow(expect.objectContaining({ code: "validation_failed" }));
  });

  it("gives a token that asks nothing 365 days, or maxValidDays when lower", () => {
    expect([validDaysUnder(rules(), undefined), validDaysUnder(rules({ maxValidDays: 30 }), undefined), validDaysUnder(rules({ maxValidDays: 30 }), 7)]).toEqual([365, 30, 7]);
  });
});

describe("assertBatchWithinRules", () => {
  const pathOf = (i: number, field: string) => `tokens[${i}].${field}`;
  it("reports every row, field errors before refusals", () => {
    const r = rules({ maxValidDays: 10 }, policy);
    expect(() => assertBatchWithinRules(r, [{ commonName: "x.example.com" }, { commonName: "a.ci.example.com" }, { commonName: "y.example.com" }], pathOf)).toThrow(
      expect.objectContaining({ code: "name_not_allowed", errors: [expect.objectContaining({ path: "tokens[0].commonName" }), expect.objectContaining({ path: "tokens[2].commonName" })] }),
    );
    expect(() => assertBatchWithinRules(r, [{ commonName: "x.example.com", validDays: 11 }], pathOf)).toThrow(expect.objectContaining({ code: "validation_failed", errors: [expect.objectContaining({ path: "tokens[0].validDays" })] }));
    expect(() => assertBatchWithinRules(r, [{ commonName: "a.ci.example.com", validDays: 10 }], pathOf)).not.toThrow();
  });
});

describe("key types", () => {
  it("counts an RSA key as the largest listed size it reaches", () => {
    expect(["EC-P256", "EC-P384", "RSA-2048", "RSA-2560", "RSA-3072", "RSA-4096"].map((k) => keyTypeOf(k as never))).toEqual(["EC-P256", "EC-P384", "RSA-2048", "RSA-2048", "RSA-3072", "RSA-4096"]);
  });
  it("refuses a key type the profile does not list, naming the allowed ones", () => {
    const profile = rules({ keyTypes: ["EC-P384"] }).profile;
    expect(() => assertKeyTypeAllowed(profile, "EC-P256")).toThrow(expect.objectContaining({ code: "unsupported_key", message: expect.stringContaining("only EC-P384") }));
    expect(() => assertKeyTypeAllowed(profile, "EC-P384")).not.toThrow();
  });
});

describe("names at issuance", () => {
  const withSans = opensslCsr("ec-p256", "/CN=csr.example.com", ["-addext", "subjectAltName=DNS:Web.CI.example.com,IP:10.0.0.9"]).csrPem;

  it("checks a CN only when it came from the CSR", () => {
    const r = rules({}, policy);
    expect(() => assertCsrCommonName(r, { commonName: null, organization: null, organizationalUnit: null }, { commonName: "csr.example.com" })).toThrow(expect.objectContaining({ code: "name_not_allowed" }));
    expect(() => assertCsrCommonName(r, { commonName: "approved.example.com", organization: null, organizationalUnit: null }, { commonName: "approved.example.com" })).not.toThrow();
  });

  it("issues the token's SANs, else the CSR's only when the profile takes them, normalised and checked", () => {
    const take = { mayTakeFromCsr: true };
    expect(subjectAltNamesToIssue(rules({ allowCsrSubjectAltNames: true }, policy), { uri: ["spiffe://example.org/a"] }, withSans, take)).toEqual({ uri: ["spiffe://example.org/a"] });
    expect(subjectAltNamesToIssue(rules({}, policy), null, withSans, take)).toEqual({});
    expect(subjectAltNamesToIssue(rules({ allowCsrSubjectAltNames: true }, policy), null, withSans, take)).toEqual({ dns: ["web.ci.example.com"], ip: ["10.0.0.9"] });
    // A renewal keeps the names of the certificate it renews, even none: never the CSR's.
    expect(subjectAltNamesToIssue(rules({ allowCsrSubjectAltNames: true }, policy), {}, withSans, { mayTakeFromCsr: false })).toEqual({});
    expect(() => subjectAltNamesToIssue(rules({ allowCsrSubjectAltNames: true }, { allow: { ip: ["192.168.0.0/16"] } }), {}, withSans, take)).toThrow(
      expect.objectContaining({ code: "name_not_allowed", message: expect.stringContaining('"10.0.0.9"') }),
    );
  });
});
