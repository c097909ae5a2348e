import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { redeemToken } from "@/lib/domain/certificates";
import { createToken, revokeToken, rotateToken } from "@/lib/domain/tokens";
import { listDeliveries, redeliver, sendTestEvent } from "@/lib/domain/webhooks";
import { WEBHOOK_MAX_ATTEMPTS } from "@/lib/domain/webhooks/jobs";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";
import { opensslCsr } from "@/lib/testing/openssl";
import { endpointWithReceiver, redeemNew, withWebhookWorker } from "@/lib/testing/webhooks";

// Deliveries through the real queue and worker to a real HTTP receiver that verifies every
// signature with the standardwebhooks package: what arrives, when it is retried, and that
// a change rolled back announces nothing.

withWebhookWorker();

const types = (all: { event: { type: string } }[]) => all.map((r) => r.event.type);

describe("a redemption announces itself", () => {
  it("token.redeemed and certificate.issued arrive signed within seconds, with ids, subject, serial and dates", async () => {
    const { frontdoorId, receiver, webhook } = await endpointWithReceiver({ events: ["token.redeemed", "certificate.issued"] });
    const { token, certificate } = await redeemNew(frontdoorId, { commonName: "announced.example.com" });
    const got = await receiver.waitFor((all) => all.length >= 2, 10_000);
    expect(types(got).sort()).toEqual(["certificate.issued", "token.redeemed"]);
    expect(got.map((r) => r.signatureError)).toEqual([null, null]);
    const issued = got.find((r) => r.event.type === "certificate.issued")!;
    expect(issued.event.data).toEqual({
      frontdoorId,
      certificateId: certificate.id,
      tokenId: token.id,
      name: "webhook test",
      commonName: "announced.example.com",
      organization: null,
      organizationalUnit: null,
      serialNumber: certificate.serialNumber,
      keyAlgorithm: "EC-P256",
      notBefore: certificate.notBefore.toISOString(),
      notAfter: certificate.notAfter.toISOString(),
    });
    expect(got.find((r) => r.event.type === "token.redeemed")!.event.data).toEqual({ frontdoorId, tokenId: token.id, clientCertificateId: certificate.id });
    expect(issued.id).toMatch(/^msg_\d+$/);
    expect(Math.abs(issued.timestamp - Date.now() / 1000)).toBeLessThan(30);
    expect(new Date(issued.event.timestamp).getTime()).toBeLessThanOrEqual(Date.now());

    // The worker records an attempt once the receiver has answered.
    await expect.poll(async () => (await listDeliveries(system, frontdoorId, webhook.id)).length).toBe(2);
    const log = await listDeliveries(system, frontdoorId, webhook.id);
    expect(log.map((d) => [d.attempt, d.statusCode, d.responseSnippet, d.error])).toEqual([
      [1, 200, "thanks", null],
      [1, 200, "thanks", null],
    ]);
    expect(log.map((d) => d.eventId).sort()).toEqual(got.map((r) => r.id).sort());
  });

  it("no payload carries a token secret, its hint or hash, whatever the event", async () => {
    const { frontdoorId, receiver } = await endpointWithReceiver();
    const { token } = await redeemNew(frontdoorId);
    const other = await createToken(system, frontdoorId, { name: "to revoke", commonName: "x.example.com" });
    await rotateToken(system, frontdoorId, other.id);
    await revokeToken(system, frontdoorId, other.id);
    await expect(redeemToken({ frontdoorId, secret: token.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: { ip: "192.0.2.8" } })).rejects.toMatchObject({ code: "token_already_used" });
    const got = await receiver.waitFor((all) => ["token.created", "token.redeemed", "certificate.issued", "token.rotated", "token.revoked", "token.redeem_failed"].every((t) => types(all).includes(t)));
    const stored = await getDb().certificateRequestToken.findMany({ where: { frontdoorId }, select: { secretHash: true, secretHint: true } });
    for (const r of got) {
      expect(r.body).not.toContain("crt_");
      for (const s of stored) expect(r.body).not.toContain(s.secretHash);
      expect(r.body).not.toContain(token.token.slice(4));
    }
    expect(got.find((r) => r.event.type === "token.redeem_failed")!.event.data).toEqual({ frontdoorId, tokenId: token.id, code: "token_already_used", count: 1 });
    expect(got.every((r) => r.signatureError === null)).toBe(true);
  });

  it("queues one job per subscribed endpoint, with attempts spanning 24 hours; other Frontdoors' events reach no one", async () => {
    const { frontdoorId, receiver, webhook } = await endpointWithReceiver({ events: ["token.created"] });
    const { webhook: second } = await endpointWithReceiver({ frontdoorId, events: ["token.created", "token.revoked"] });
    const { webhook: unsubscribed } = await endpointWithReceiver({ frontdoorId, events: ["token.revoked"] });
    const ids = [webhook.id, second.id, unsubscribed.id];
    // The jobs, read inside the transaction that queues them (no worker sees them yet), which then rolls back.
    const jobsOf = (db: Pick<ReturnType<typeof getDb>, "$queryRaw">) =>
      db.$queryRaw<{ max_attempts: number; payload: { webhookId: string; eventId: string } }[]>`
        SELECT max_attempts, payload FROM graphile_worker._private_jobs WHERE payload->>'webhookId' = ANY (${ids}) ORDER BY payload->>'webhookId'`;
    const rollback = new Error("rollback");
    let queued: Awaited<ReturnType<typeof jobsOf>> = [];
    await getDb()
      .$transaction(async (tx) => {
        await tx.auditEvent.create({ data: { actorKind: "system", action: "token.created", frontdoorId, targetKind: "token", targetId: "token-x" } });
        queued = await jobsOf(tx);
        throw rollback;
      })
      .catch((error: unknown) => expect(error).toBe(rollback));
    expect(queued.map((j) => [j.payload.webhookId, j.max_attempts]).sort()).toEqual([webhook.id, second.id].sort().map((id) => [id, WEBHOOK_MAX_ATTEMPTS]));
    expect(Object.keys(queued[0]!.payload).sort()).toEqual(["eventId", "webhookId"]);
    expect(await jobsOf(getDb())).toEqual([]);

    const quiet = await makeFrontdoor();
    await createToken(system, quiet.id, { name: "elsewhere" });
    await createToken(system, frontdoorId, { name: "here" });
    await receiver.waitFor((all) => all.length >= 1);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(receiver.received.map((r) => r.event.data.name)).toEqual(["here"]);
  });
});

describe("retries", () => {
  it("a receiver answering 500 twice then 200 gets the event three times, further apart each time, and the log shows each attempt", async () => {
    const { frontdoorId, receiver, webhook } = await endpointWithReceiver({ answers: [500, 500], events: ["token.created"] });
    await createToken(system, frontdoorId, { name: "persistent" });
    const got = await receiver.waitFor((all) => all.length >= 3, 30_000);
    expect(new Set(got.map((r) => r.id)).size).toBe(1);
    expect(got.every((r) => r.signatureError === null)).toBe(true);
    const [first, second] = [got[1]!.at - got[0]!.at, got[2]!.at - got[1]!.at];
    // graphile-worker waits e^1 ≈ 2.7 s, then e^2 ≈ 7.4 s (plus up to one poll).
    expect(first).toBeGreaterThan(2_500);
    expect(second).toBeGreaterThan(first + 3_000);
    await expect.poll(async () => (await listDeliveries(system, frontdoorId, webhook.id)).length).toBe(3);
    const log = await listDeliveries(system, frontdoorId, webhook.id);
    expect(log.map((d) => [d.attempt, d.statusCode, d.responseSnippet])).toEqual([
      [3, 200, "thanks"],
      [2, 500, "no thanks (500)"],
      [1, 500, "no thanks (500)"],
    ]);
    expect((await getDb().webhook.findUniqueOrThrow({ where: { id: webhook.id } })).failingSince).toBeNull();
  }, 60_000);
});

describe("a change that rolls back announces nothing", () => {
  it("a redemption whose transaction fails at commit, after its deliveries were queued, sends nothing and keeps the token", async () => {
    const { frontdoorId, receiver, webhook } = await endpointWithReceiver();
    // A fault at COMMIT, after every statement of the redemption ran (and the webhook
    // trigger queued its jobs, which the message counts), so the whole transaction rolls back.
    await getDb().$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION test_fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'injected failure after % queued deliveries',
          (SELECT count(*) FROM graphile_worker._private_jobs j WHERE j.payload->>'webhookId' = '${webhook.id}');
      END $$`);
    await getDb().$executeRawUnsafe(`
      CREATE CONSTRAINT TRIGGER test_fail_at_commit AFTER INSERT ON "ClientCertificate" DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW WHEN (NEW."commonName" = 'rollback.example.com') EXECUTE FUNCTION test_fail_at_commit()`);
    const token = await createToken(system, frontdoorId, { name: "doomed", commonName: "rollback.example.com" });
    await receiver.waitFor((all) => types(all).includes("token.created"));
    // …and its job is done, so the count below is the redemption's own.
    await expect.poll(async () => (await getDb().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload->>'webhookId' = ${webhook.id}`)[0]!.n).toBe(0);
    await expect(redeemToken({ frontdoorId, secret: token.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} })).rejects.toThrow(
      /injected failure after 2 queued deliveries/,
    );
    await new Promise((r) => setTimeout(r, 3_000));
    expect(types(receiver.received)).toEqual(["token.created"]);
    const stored = await getDb().certificateRequestToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(stored.redeemedAt).toBeNull();
    expect(await getDb().auditEvent.count({ where: { frontdoorId, action: { in: ["token.redeemed", "certificate.issued"] } } })).toBe(0);
  });
});

describe("the console's test event and redelivery", () => {
  it("a test event goes to that endpoint only; a redelivery sends the same event again with the same webhook-id", async () => {
    const admin = (await makeUser("admin")).principal;
    const { frontdoorId, receiver, webhook } = await endpointWithReceiver({ events: ["token.created"] });
    const { receiver: neighbour } = await endpointWithReceiver({ frontdoorId, events: ["token.created"] });
    await sendTestEvent(admin, frontdoorId, webhook.id);
    const [test] = await receiver.waitFor((all) => all.length >= 1);
    expect(test!.event).toMatchObject({ type: "webhook.test", data: { frontdoorId, webhookId: webhook.id } });
    expect(test!.signatureError).toBeNull();

    await expect.poll(async () => (await listDeliveries(admin, frontdoorId, webhook.id)).length).toBe(1);
    const [logged] = await listDeliveries(admin, frontdoorId, webhook.id);
    await redeliver(admin, frontdoorId, webhook.id, logged!.id);
    const again = await receiver.waitFor((all) => all.length >= 2);
    expect(again[1]!.id).toBe(test!.id);
    expect(again[1]!.event).toEqual(test!.event);
    await new Promise((r) => setTimeout(r, 500));
    expect(neighbour.received).toEqual([]);
    expect(await getDb().auditEvent.count({ where: { targetId: webhook.id, action: { in: ["webhook.test_sent", "webhook.redelivered"] } } })).toBe(2);

    const auditor = (await makeUser("auditor")).principal;
    await expect(sendTestEvent(auditor, frontdoorId, webhook.id)).rejects.toMatchObject({ code: "forbidden" });
    await expect(redeliver(auditor, frontdoorId, webhook.id, logged!.id)).rejects.toMatchObject({ code: "forbidden" });
  });
});
