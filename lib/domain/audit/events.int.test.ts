import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { canonicalJson, recordAudit, recordAudits } from "@/lib/domain/audit/events";
import { sealAuditEvents } from "@/lib/domain/audit/seal";
import { createCheckpoint, verifyAuditChain } from "@/lib/domain/audit/verify";
import { system } from "@/lib/testing/fixtures";

const db = () => getDb();
const write = (action: string, details: Record<string, unknown> = {}) => db().$transaction((tx) => recordAudit(tx, system, { action, details }));
/** What someone with write access to the database (and no master key) can do. */
const asDatabaseOwner = async (run: () => Promise<unknown>) => {
  await db().$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
  try {
    await run();
  } finally {
    await db().$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only"`);
  }
};

describe("audit chain", () => {
  it("writers run without a lock; after sealing, every event has the next position and the chain verifies", async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => write("test.event", { i, nested: { b: 2, a: 1 } })));
    await db().$transaction((tx) => recordAudits(tx, system, [{ action: "batch.one" }, { action: "batch.two" }, { action: "batch.three" }]));
    const before = await verifyAuditChain(system);
    expect(before).toMatchObject({ isIntact: true, unsealed: expect.any(Number) });
    expect(before.unsealed).toBeGreaterThanOrEqual(43);

    await Promise.all([sealAuditEvents(), sealAuditEvents(), sealAuditEvents()]);
    const total = await db().auditEvent.count();
    const events = await db().auditEvent.findMany({ orderBy: { seq: "asc" } });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => BigInt(i + 1)));
    for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
    const batch = events.filter((e) => e.action.startsWith("batch.")).map((e) => e.action);
    expect(batch).toEqual(["batch.one", "batch.two", "batch.three"]);
    expect(await verifyAuditChain(system)).toMatchObject({ isIntact: true, checked: total, unsealed: 0 });
  });

  it("an event not yet sealed is reported as unsealed, not as a break, and is visible at once", async () => {
    await sealAuditEvents();
    await write("test.pending");
    expect(await db().auditEvent.count({ where: { action: "test.pending" } })).toBe(1);
    expect(await verifyAuditChain(system)).toMatchObject({ isIntact: true, unsealed: 1 });
  });

  it("the database refuses to delete, truncate or rewrite events; only the sealer's first fill is allowed", async () => {
    await write("test.protected");
    await sealAuditEvents();
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: "test.protected" } });
    await expect(db().$executeRaw`DELETE FROM "AuditEvent" WHERE id = ${event.id}`).rejects.toThrow(/append-only/);
    await expect(db().$executeRaw`UPDATE "AuditEvent" SET "actorLabel" = 'x' WHERE id = ${event.id}`).rejects.toThrow(/append-only/);
    await expect(db().$executeRaw`UPDATE "AuditEvent" SET "seq" = NULL, "hash" = NULL WHERE id = ${event.id}`).rejects.toThrow(/append-only/);
    await expect(db().$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only/);
    await write("test.unsealed");
    const unsealed = await db().auditEvent.findFirstOrThrow({ where: { action: "test.unsealed" } });
    await expect(db().$executeRaw`UPDATE "AuditEvent" SET "action" = 'test.changed' WHERE id = ${unsealed.id}`).rejects.toThrow(/append-only/);
    expect(await db().auditEvent.count({ where: { id: event.id, actorLabel: event.actorLabel } })).toBe(1);
  });
});

describe("a process with another master key", () => {
  it("does not extend the chain: its sealer refuses while the head does not verify with its key", async () => {
    const { applyRuntime, env } = await import("@/lib/env");
    const { randomBytes } = await import("node:crypto");
    const { ChainKeyMismatch } = await import("@/lib/domain/audit/seal");
    await write("test.before-wrong-key");
    await sealAuditEvents();
    const own = env.CERTDOOR_MASTER_KEY!;
    applyRuntime({ DATABASE_URL: env.DATABASE_URL!, AUTH_SECRET: env.AUTH_SECRET!, CERTDOOR_MASTER_KEY: randomBytes(32).toString("base64") });
    try {
      await write("test.with-wrong-key");
      await expect(sealAuditEvents()).rejects.toBeInstanceOf(ChainKeyMismatch);
      expect(await db().auditEvent.count({ where: { action: "test.with-wrong-key", seq: null } })).toBe(1);
    } finally {
      applyRuntime({ DATABASE_URL: env.DATABASE_URL!, AUTH_SECRET: env.AUTH_SECRET!, CERTDOOR_MASTER_KEY: own });
    }
    await sealAuditEvents();
    expect(await verifyAuditChain(system)).toMatchObject({ isIntact: true, unsealed: 0 });
  });
});

describe("checkpoints", () => {
  it("deleting the newest events passes a plain verify but not one against an earlier checkpoint", async () => {
    for (let i = 0; i < 4; i++) await write("test.before-checkpoint", { i });
    await sealAuditEvents();
    const checkpoint = await createCheckpoint(system);
    expect(checkpoint).toMatchObject({ version: 1, seq: expect.stringMatching(/^\d+$/), mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await verifyAuditChain(system, { checkpoint })).toMatchObject({ isIntact: true, checkpoint: "matches" });

    await write("test.after-checkpoint");
    await sealAuditEvents();
    expect(await verifyAuditChain(system, { checkpoint })).toMatchObject({ isIntact: true, checkpoint: "matches" });

    await asDatabaseOwner(() => db().$executeRaw`DELETE FROM "AuditEvent" WHERE "seq" >= ${BigInt(checkpoint.seq) - 1n}`);
    expect(await verifyAuditChain(system)).toMatchObject({ isIntact: true });
    expect(await verifyAuditChain(system, { checkpoint })).toMatchObject({ isIntact: false, reason: expect.stringContaining("cut off") });
  });

  it("refuses a checkpoint whose fields were changed", async () => {
    await write("test.any");
    await sealAuditEvents();
    const checkpoint = await createCheckpoint(system);
    await expect(verifyAuditChain(system, { checkpoint: { ...checkpoint, seq: "1" } })).rejects.toThrow(/signature does not verify/);
    await expect(verifyAuditChain(system, { checkpoint: { hello: 1 } })).rejects.toThrow(/not one that/);
  });
});

describe("a sealed event removed from the middle", () => {
  it("is found at the event after the gap, and the chain verifies again once it is put back", async () => {
    for (let i = 0; i < 5; i++) await write("test.middle", { i });
    await sealAuditEvents();
    const events = await db().auditEvent.findMany({ where: { action: "test.middle" }, orderBy: { seq: "asc" } });
    const [victim, next] = [events[2]!, events[3]!];
    await asDatabaseOwner(async () => {
      await db().$executeRawUnsafe(`CREATE TABLE removed_event AS SELECT * FROM "AuditEvent" WHERE id = ${victim.id}`);
      await db().$executeRaw`DELETE FROM "AuditEvent" WHERE id = ${victim.id}`;
    });
    expect(await verifyAuditChain(system)).toMatchObject({ isIntact: false, brokenAt: next.id.toString(), reason: expect.stringContaining("an event before it was removed") });

    await asDatabaseOwner(async () => {
      await db().$executeRawUnsafe(`INSERT INTO "AuditEvent" SELECT * FROM removed_event`);
      await db().$executeRawUnsafe(`DROP TABLE removed_event`);
    });
    expect(await verifyAuditChain(system)).toMatchObject({ isIntact: true, unsealed: 0 });
  });
});

// Last: it leaves this file's chain broken on purpose.
describe("tampering", () => {
  it("an edit with every later hash recomputed the plain way is found (the chain is keyed)", async () => {
    for (let i = 0; i < 5; i++) await write("test.chain", { i });
    await sealAuditEvents();
    const events = await db().auditEvent.findMany({ orderBy: { seq: "asc" } });
    const victim = events[Math.floor(events.length / 2)]!;
    await asDatabaseOwner(async () => {
      let prev = events[events.indexOf(victim) - 1]?.hash ?? null;
      for (const e of events.slice(events.indexOf(victim))) {
        const fields = { ...e, actorLabel: e.id === victim.id ? "someone else" : e.actorLabel };
        const hash = createHash("sha256").update(canonicalJson({ seq: e.seq!.toString(), prevHash: prev, at: e.at.toISOString(), actorKind: e.actorKind, actorId: e.actorId, actorLabel: fields.actorLabel, ip: e.ip, userAgent: e.userAgent, action: e.action, frontdoorId: e.frontdoorId, targetKind: e.targetKind, targetId: e.targetId, details: e.details })).digest("hex");
        await db().$executeRaw`UPDATE "AuditEvent" SET "actorLabel" = ${fields.actorLabel}, "prevHash" = ${prev}, "hash" = ${hash} WHERE id = ${e.id}`;
        prev = hash;
      }
    });
    expect(await verifyAuditChain(system)).toMatchObject({ isIntact: false, brokenAt: victim.id.toString(), reason: expect.stringContaining("does not match its hash") });
  });
});

describe("two instances at once", () => {
  it("2,000 events written by two processes while both seal: the chain holds all of them; an edit is found; unsealed is not a break", async () => {
    const { spawn } = await import("node:child_process");
    const path = await import("node:path");
    const writer = (label: string) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ["--conditions=react-server", path.resolve(import.meta.dirname, "../../testing/audit-writer.mjs"), "1000", "16", label], { env: process.env, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`writer ${label} exited ${code}: ${stderr}`))));
      });
    // The file's chain is broken on purpose by the test before; start this one on a clean table.
    await asDatabaseOwner(() => db().$executeRawUnsafe(`DELETE FROM "AuditEvent"`));
    await Promise.all([writer("instance-a"), writer("instance-b")]);
    await sealAuditEvents();
    expect(await db().auditEvent.count({ where: { action: "test.concurrent" } })).toBe(2000);
    const result = await verifyAuditChain(system);
    expect(result).toMatchObject({ isIntact: true, checked: 2000, unsealed: 0 });

    await write("test.after");
    expect(await verifyAuditChain(system)).toMatchObject({ isIntact: true, checked: 2000, unsealed: 1 });

    const victim = await db().auditEvent.findFirstOrThrow({ where: { seq: 1234n } });
    await asDatabaseOwner(() => db().$executeRaw`UPDATE "AuditEvent" SET "details" = '{"label":"forged"}'::jsonb WHERE id = ${victim.id}`);
    expect(await verifyAuditChain(system)).toMatchObject({ isIntact: false, brokenAt: victim.id.toString() });
  }, 120_000);
});
