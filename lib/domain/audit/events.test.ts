import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { auditHash, canonicalJson, type ChainedFields } from "@/lib/domain/audit/events";
import { applyRuntime } from "@/lib/env";

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

const useMasterKey = (key: string) => applyRuntime({ DATABASE_URL: "postgres://unused", AUTH_SECRET: "unused", CERTDOOR_MASTER_KEY: key });

describe("audit hashing", () => {
  it("canonical JSON sorts keys at every level and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: undefined } })).toBe('{"a":{"d":2},"b":1}');
    expect(canonicalJson([{ y: 1, x: 2 }])).toBe('[{"x":2,"y":1}]');
  });

  it("does not depend on key order (jsonb reorders keys) but on every value, the position and the predecessor", () => {
    useMasterKey(randomBytes(32).toString("base64"));
    const reordered = { ...event, details: { a: { c: [3, { e: 5, f: 4 }], d: 2 }, b: 1 } };
    expect(auditHash(1n, "p", reordered)).toBe(auditHash(1n, "p", event));
    expect(auditHash(1n, "q", event)).not.toBe(auditHash(1n, "p", event));
    expect(auditHash(2n, "p", event)).not.toBe(auditHash(1n, "p", event));
    expect(auditHash(1n, "p", { ...event, ip: "10.0.0.1" })).not.toBe(auditHash(1n, "p", event));
    expect(auditHash(1n, "p", { ...event, at: new Date(event.at.getTime() + 1) })).not.toBe(auditHash(1n, "p", event));
    expect(auditHash(1n, null, event)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is keyed by the master key: without it nobody can recompute a hash", () => {
    useMasterKey(randomBytes(32).toString("base64"));
    const one = auditHash(1n, null, event);
    useMasterKey(randomBytes(32).toString("base64"));
    expect(auditHash(1n, null, event)).not.toBe(one);
  });
});
