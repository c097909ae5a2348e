import { describe, expect, it } from "vitest";
import { auditHash, canonicalJson, type ChainedFields } from "@/lib/domain/audit";

const event: ChainedFields = {
  at: new Date("2026-01-02T03:04:05.678Z"),
  actorKind: "user",
  actorId: "u1",
  actorLabel: "a@example.test",
  ip: "127.0.0.1",
  userAgent: "test",
  action: "token.created",
  frontdoorId: null,
  targetKind: "token",
  targetId: "token-1",
  details: { b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } },
};

describe("audit hashing", () => {
  it("canonical JSON sorts keys at every level and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: undefined } })).toBe('{"a":{"d":2},"b":1}');
    expect(canonicalJson([{ y: 1, x: 2 }])).toBe('[{"x":2,"y":1}]');
  });

  it("does not depend on key order (jsonb reorders keys) but on every value and the predecessor", () => {
    const reordered = { ...event, details: { a: { c: [3, { e: 5, f: 4 }], d: 2 }, b: 1 } };
    expect(auditHash("p", reordered)).toBe(auditHash("p", event));
    expect(auditHash("q", event)).not.toBe(auditHash("p", event));
    expect(auditHash("p", { ...event, ip: "10.0.0.1" })).not.toBe(auditHash("p", event));
    expect(auditHash("p", { ...event, at: new Date(event.at.getTime() + 1) })).not.toBe(auditHash("p", event));
    expect(auditHash(null, event)).toMatch(/^[0-9a-f]{64}$/);
  });
});
