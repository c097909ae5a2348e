import { describe, expect, it } from "vitest";
import { policyFieldErrors } from "@/lib/domain/names/field-errors";

// The console's token form runs this as you type: the refusal lands beside the field it is about.

const policy = { allow: { commonName: ["*.ci.example.com"], dns: [".ci.example.com"], ip: ["10.0.0.0/8"] }, deny: { dns: ["*.prod.ci.example.com"] } };

describe("policyFieldErrors", () => {
  it("puts the first refused name at its field's path, with the rule", () => {
    expect(policyFieldErrors(policy, "laptop.example.com", {})).toEqual({ commonName: expect.stringContaining("laptop.example.com") });
    expect(policyFieldErrors(policy, "a.ci.example.com", { dns: ["ok.ci.example.com", "db.prod.ci.example.com"] })).toEqual({ "subjectAltNames.dns[1]": expect.stringContaining("*.prod.ci.example.com") });
    expect(policyFieldErrors(policy, "a.ci.example.com", { ip: ["192.168.1.1"] })).toEqual({ "subjectAltNames.ip[0]": expect.stringContaining("192.168.1.1") });
    expect(policyFieldErrors(policy, "a.ci.example.com", { dns: ["b.ci.example.com"], ip: ["10.1.2.3"] })).toEqual({});
  });

  it("leaves names that are not yet well-formed to the schema, and says nothing without a policy", () => {
    expect(policyFieldErrors(policy, "a.ci.example.com", { ip: ["192.168."] })).toEqual({});
    expect(policyFieldErrors(null, "anything", { dns: ["x.example.com"] })).toEqual({});
  });
});
