import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { auditHash, recordAudit, recordAudits } from "@/lib/domain/audit";
import { verifyAuditChain } from "@/lib/domain/audit-verify";
import { system } from "@/lib/testing/fixtures";

describe("audit chain", () => {
  it("links every event to its predecessor, also under concurrent writers", async () => {
    const db = getDb();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.$transaction((tx) => recordAudit(tx, system, { action: "test.event", details: { i, nested: { b: 2, a: 1 } } })),
      ),
    );
    const events = await db.auditEvent.findMany({ orderBy: { id: "asc" } });
    expect(events.length).toBeGreaterThanOrEqual(20);
    let prev: string | null = null;
    for (const e of events) {
      expect(e.prevHash).toBe(prev);
      expect(auditHash(prev, e)).toBe(e.hash);
      prev = e.hash;
    }
  });

  it("several events written at once chain in order, and the whole log verifies", async () => {
    const db = getDb();
    await db.$transaction((tx) => recordAudits(tx, system, [{ action: "batch.one" }, { action: "batch.two" }, { action: "batch.three" }]));
    const batch = await db.auditEvent.findMany({ where: { action: { startsWith: "batch." } }, orderBy: { id: "asc" } });
    expect(batch.map((e) => e.action)).toEqual(["batch.one", "batch.two", "batch.three"]);
    expect(batch[1]!.prevHash).toBe(batch[0]!.hash);
    expect(batch[2]!.prevHash).toBe(batch[1]!.hash);
    expect(await verifyAuditChain(system)).toMatchObject({ isIntact: true });
  });

  it("an edited event no longer matches its hash", async () => {
    const db = getDb();
    await db.$transaction((tx) => recordAudit(tx, system, { action: "test.original" }));
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "test.original" } });
    const edited = { ...event, action: "test.forged" };
    expect(auditHash(event.prevHash, edited)).not.toBe(event.hash);
  });
});
