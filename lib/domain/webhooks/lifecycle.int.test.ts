import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { revokeCertificate } from "@/lib/domain/certificates";
import { createToken } from "@/lib/domain/tokens";
import { deliverWebhook, enableWebhook, listDeliveries, listWebhooks, pruneDeliveries, sendExpiryNotices } from "@/lib/domain/webhooks";
import { env } from "@/lib/env";
import { makeUser, system } from "@/lib/testing/fixtures";
import { endpointWithReceiver, redeemNew, withWebhookWorker } from "@/lib/testing/webhooks";

// What happens to endpoints and certificates over days: an endpoint failing for 24 hours
// is disabled (time simulated by moving the first failure back), certificates are
// announced 30 and 7 days before they expire, once each, and the delivery log stays bounded.

withWebhookWorker();

describe("an endpoint failing for 24 hours", () => {
  it("is disabled with the reason, audited, shown as such, gets nothing more, and can be enabled again", async () => {
    const { frontdoorId, webhook } = await endpointWithReceiver({ answers: Array<number>(50).fill(503), events: ["token.created"] });
    await createToken(system, frontdoorId, { name: "unlucky" });
    await expect.poll(async () => (await listDeliveries(system, frontdoorId, webhook.id)).length).toBeGreaterThan(0);
    const started = await getDb().webhook.findUniqueOrThrow({ where: { id: webhook.id } });
    expect(started.failingSince).not.toBeNull();
    expect(started.disabledAt).toBeNull();

    // A day has passed with nothing but failures.
    await getDb().$executeRaw`UPDATE "Webhook" SET "failingSince" = now() - interval '25 hours' WHERE "id" = ${webhook.id}`;
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { frontdoorId, action: "token.created" } });
    const result = await deliverWebhook({ webhookId: webhook.id, eventId: event.id }, 5);
    expect(result).toMatchObject({ outcome: "failed", statusCode: 503, isDisabled: true });

    const [listed] = await listWebhooks((await makeUser("auditor")).principal, frontdoorId);
    expect(listed).toMatchObject({ id: webhook.id, enabled: false, disabledAt: expect.any(Date) });
    expect(listed!.disabledReason).toMatch(/^Every delivery failed for 24 hours \(since .+Z\); the last attempt answered HTTP 503\.$/);
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { action: "webhook.disabled", targetId: webhook.id } });
    expect(audit).toMatchObject({ actorKind: "system", frontdoorId, details: { reason: listed!.disabledReason } });

    // Disabled: new events queue nothing for it, and queued ones are dropped unsent.
    await createToken(system, frontdoorId, { name: "after" });
    const queued = await getDb().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload->>'webhookId' = ${webhook.id} AND attempts = 0`;
    expect(queued[0]!.n).toBe(0);
    expect(await deliverWebhook({ webhookId: webhook.id, eventId: event.id })).toEqual({ outcome: "skipped", reason: "the endpoint is disabled" });

    const admin = (await makeUser("admin")).principal;
    const enabled = await enableWebhook(admin, frontdoorId, webhook.id);
    expect(enabled).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null, failingSince: null });
    expect(await getDb().auditEvent.count({ where: { action: "webhook.enabled", targetId: webhook.id } })).toBe(1);
  });
});

describe("a target judged again at delivery", () => {
  it("a name that now resolves to a loopback address is refused before connecting (DNS rebinding)", async () => {
    const { frontdoorId, receiver, webhook } = await endpointWithReceiver({ events: ["token.revoked"] });
    // Registered as a name; by delivery time it points at the server's own loopback, and
    // private targets are not allowed. (An event it does not subscribe to, so only this call sends it.)
    await getDb().webhook.update({ where: { id: webhook.id }, data: { url: receiver.url.replace("http://127.0.0.1", "https://localhost") } });
    const event = await getDb().auditEvent.create({ data: { actorKind: "system", action: "token.rotated", frontdoorId, targetKind: "token", targetId: "token-x" } });
    Object.assign(env, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: false });
    try {
      const result = await deliverWebhook({ webhookId: webhook.id, eventId: event.id });
      expect(result).toMatchObject({ outcome: "failed", statusCode: null, error: expect.stringMatching(/^refused: localhost resolves to an address webhooks may not reach \((127\.0\.0\.1|::1) is /) });
    } finally {
      Object.assign(env, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: true });
    }
    expect(receiver.received).toEqual([]);
    const [logged] = await listDeliveries(system, frontdoorId, webhook.id);
    expect(logged).toMatchObject({ type: "token.rotated", statusCode: null, error: expect.stringMatching(/^refused: /) });
  });
});

describe("certificate.expiring", () => {
  it("is announced 30 and 7 days before notAfter, once each, to receivers and auditors", async () => {
    const { frontdoorId, receiver } = await endpointWithReceiver({ events: ["certificate.expiring"] });
    const soon = (await redeemNew(frontdoorId, { commonName: "soon.example.com", validDays: 20 })).certificate;
    const sooner = (await redeemNew(frontdoorId, { commonName: "sooner.example.com", validDays: 5 })).certificate;
    const later = (await redeemNew(frontdoorId, { commonName: "later.example.com", validDays: 365 })).certificate;
    const revoked = (await redeemNew(frontdoorId, { commonName: "revoked.example.com", validDays: 20 })).certificate;
    await revokeCertificate(system, frontdoorId, revoked.id);
    const notices = async () =>
      (await getDb().auditEvent.findMany({ where: { frontdoorId, action: "certificate.expiring" }, orderBy: { id: "asc" } })).map((e) => [e.targetId, (e.details as { daysBefore: number }).daysBefore]);

    await sendExpiryNotices();
    // One starting inside 7 days gets the 7-day notice only.
    expect(await notices()).toEqual([[sooner.id, 7], [soon.id, 30]]);
    await sendExpiryNotices();
    expect(await notices()).toHaveLength(2);

    await getDb().clientCertificate.update({ where: { id: soon.id }, data: { notAfter: new Date(Date.now() + 6 * 86400_000) } });
    await sendExpiryNotices();
    await sendExpiryNotices();
    expect(await notices()).toEqual([[sooner.id, 7], [soon.id, 30], [soon.id, 7]]);
    expect((await notices()).map(([id]) => id)).not.toContain(later.id);

    const got = await receiver.waitFor((all) => all.length >= 3);
    // Deliveries run in parallel: they may arrive in any order.
    const announced = got.map((r) => `${r.event.data.certificateId} ${r.event.data.daysBefore}`).sort();
    expect(announced).toEqual([`${sooner.id} 7`, `${soon.id} 30`, `${soon.id} 7`].sort());
    const first = got.find((r) => r.event.data.certificateId === soon.id && r.event.data.daysBefore === 30)!;
    expect(first.event).toMatchObject({ type: "certificate.expiring", data: { frontdoorId, commonName: "soon.example.com", serialNumber: soon.serialNumber } });
    expect(got.every((r) => r.signatureError === null)).toBe(true);
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { action: "certificate.expiring", targetId: sooner.id } });
    expect(audit.details).toEqual({ daysBefore: 7, serialNumber: sooner.serialNumber, notAfter: sooner.notAfter.toISOString() });
  });
});

describe("the delivery log", () => {
  it("keeps 30 days and at most 1,000 attempts per endpoint", async () => {
    const { webhook } = await endpointWithReceiver({ events: ["token.revoked"] });
    await getDb().$executeRaw`
      INSERT INTO "WebhookDelivery" ("webhookId", "eventId", "type", "attempt", "statusCode", "latencyMs", "createdAt")
      SELECT ${webhook.id}, n, 'token.revoked', 1, 200, 5, now() - make_interval(days => CASE WHEN n <= 10 THEN 31 ELSE 0 END)
        FROM generate_series(1, 1015) AS n`;
    await pruneDeliveries();
    const kept = await getDb().webhookDelivery.findMany({ where: { webhookId: webhook.id }, select: { eventId: true }, orderBy: { id: "asc" } });
    expect(kept).toHaveLength(1_000);
    expect(kept[0]!.eventId).toBe(16n);
  });
});
