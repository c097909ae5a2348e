import { describe, expect, it } from "vitest";
import { type EventRow, webhookBody } from "@/lib/domain/webhooks/payload";

const base: EventRow = { eventId: 42n, at: new Date("2026-01-02T03:04:05.678Z"), action: "token.created", frontdoorId: "fd", targetId: "token-1", details: {}, certificate: null };

describe("webhook bodies", () => {
  it("take only the named details: a token's hint, recipient or anything new stays out", () => {
    const body = webhookBody({
      ...base,
      details: { name: "n", commonName: "cn", expiresAt: "2026-01-03T00:00:00.000Z", validDays: 30, tokenHint: "crt_…abcd", recipientEmail: "a@example.com", secretHash: "f".repeat(64), batchId: "b" },
    });
    expect(body).toEqual({ type: "token.created", timestamp: "2026-01-02T03:04:05.678Z", data: { frontdoorId: "fd", tokenId: "token-1", name: "n", commonName: "cn", expiresAt: "2026-01-03T00:00:00.000Z", validDays: 30 } });
    expect(webhookBody({ ...base, action: "token.rotated", details: { tokenHint: "crt_…wxyz", previousTokenHint: "crt_…abcd" } }).data).toEqual({ frontdoorId: "fd", tokenId: "token-1" });
  });

  it("describe a certificate by its fixed facts, with the event's own details", () => {
    const certificate = { tokenId: "token-1", name: "n", commonName: "cn", organization: null, organizationalUnit: "ou", serialNumber: "0a", keyAlgorithm: "EC-P256", notBefore: new Date(0), notAfter: new Date(1000) };
    const body = webhookBody({ ...base, action: "certificate.revoked", targetId: "cert-1", details: { reason: "keyCompromise" }, certificate });
    expect(body.data).toEqual({
      frontdoorId: "fd", certificateId: "cert-1", tokenId: "token-1", name: "n", commonName: "cn", organization: null, organizationalUnit: "ou",
      serialNumber: "0a", keyAlgorithm: "EC-P256", notBefore: "1970-01-01T00:00:00.000Z", notAfter: "1970-01-01T00:00:01.000Z", reason: "keyCompromise",
    });
  });

  it("name the console's test event webhook.test", () => {
    expect(webhookBody({ ...base, action: "webhook.test_sent", targetId: "wh-1" })).toMatchObject({ type: "webhook.test", data: { frontdoorId: "fd", webhookId: "wh-1" } });
  });
});
