import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { rotateFrontdoorCa } from "@/lib/domain/ca/rotate";
import { sendCaExpiryNotices } from "@/lib/domain/ca/expiring";
import { processMetrics } from "@/lib/observability/metrics";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { endpointWithReceiver, withWebhookWorker } from "@/lib/testing/webhooks";

// 90 days before a Frontdoor's current issuing CA ends: one `ca.expiring` event (audited,
// delivered to webhooks that asked for it) and a metric to alert on. A retired CA or one
// further away is not announced.

withWebhookWorker();

const DAY_MS = 86_400_000;
const currentCa = (frontdoorId: string) => getDb().certificateAuthority.findFirstOrThrow({ where: { frontdoorId, retiredAt: null } });
const endIn = async (caId: string, days: number) => (await getDb().certificateAuthority.update({ where: { id: caId }, data: { notAfter: new Date(Date.now() + days * DAY_MS + 3600_000) } })).notAfter;

describe("ca.expiring", () => {
  it("is announced once, 90 days ahead, for a current CA only, to webhooks and auditors", async () => {
    const { frontdoorId, receiver } = await endpointWithReceiver({ events: ["ca.expiring"] });
    const near = await currentCa(frontdoorId);
    const nearEnd = await endIn(near.id, 60);
    const far = (await makeFrontdoor()).id;
    await endIn((await currentCa(far)).id, 120);
    const rotated = (await makeFrontdoor()).id;
    const rotation = await rotateFrontdoorCa(system, rotated);
    await endIn(rotation.retired.id, 10);

    expect(await sendCaExpiryNotices()).toBeGreaterThanOrEqual(1);
    expect(await sendCaExpiryNotices()).toBe(0);
    const events = await getDb().auditEvent.findMany({ where: { action: "ca.expiring", frontdoorId: { in: [frontdoorId, far, rotated] } } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ frontdoorId, targetKind: "ca", targetId: near.id, actorKind: "system" });
    expect(events[0]!.details).toEqual({ daysLeft: 60, generation: 1, subject: near.subject, notAfter: nearEnd.toISOString() });

    const [delivered] = await receiver.waitFor((all) => all.length >= 1);
    expect(delivered!.event).toMatchObject({ type: "ca.expiring", data: { frontdoorId, caId: near.id, daysLeft: 60, subject: near.subject, notAfter: nearEnd.toISOString() } });
    expect(delivered!.signatureError).toBeNull();
  });

  it("the metric gives each Frontdoor's current CA's end", async () => {
    const frontdoor = await makeFrontdoor();
    const end = await endIn((await currentCa(frontdoor.id)).id, 30);
    const line = (await processMetrics()).split("\n").find((l) => l.startsWith(`certdoor_issuing_ca_not_after_timestamp_seconds{frontdoor="${frontdoor.name}"}`));
    expect(line?.split(" ")[1]).toBe(String(Math.floor(end.getTime() / 1000)));
  });
});
