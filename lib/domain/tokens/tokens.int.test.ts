import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { countPurgeableTokens, createToken, listTokens, purgeTokens, revokeToken, updateToken } from "@/lib/domain/tokens";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";

const DAY = 86_400_000;

/** Backdates a token so it looks expired (or revoked) `ageMs` ago. */
async function age(tokenId: string, ageMs: number, as: "expired" | "revoked") {
  const at = new Date(Date.now() - ageMs);
  await getDb().certificateRequestToken.update({
    where: { id: tokenId },
    data: as === "expired" ? { expiresAt: at } : { revokedAt: at },
  });
}

describe("listing tokens", () => {
  let frontdoorId: string;
  let principal: Awaited<ReturnType<typeof makeUser>>["principal"];
  const names: string[] = [];

  beforeAll(async () => {
    frontdoorId = (await makeFrontdoor()).id;
    principal = (await makeUser("operator", [frontdoorId])).principal;
    for (let i = 0; i < 25; i++) {
      const name = `agent-${String(i).padStart(2, "0")}`;
      names.push(name);
      await createToken(principal, frontdoorId, {
        name,
        commonName: i % 5 === 0 ? `special-${i}.example.com` : `host-${i}.example.com`,
        organization: i < 3 ? "Acme Searchable" : "Example",
      });
    }
  });

  it("pages with totals, a partial last page and an empty page past the end", async () => {
    const first = await listTokens(principal, frontdoorId, { size: "10", sort: "name,asc" });
    expect(first).toMatchObject({ totalElements: 25, totalPages: 3, page: 0, size: 10 });
    expect(first.content.map((t) => t.name)).toEqual(names.slice(0, 10));
    const last = await listTokens(principal, frontdoorId, { page: "2", size: "10", sort: "name,asc" });
    expect(last.content.map((t) => t.name)).toEqual(names.slice(20));
    const beyond = await listTokens(principal, frontdoorId, { page: "3", size: "10" });
    expect(beyond).toMatchObject({ content: [], totalElements: 25, totalPages: 3, page: 3 });
    const all = await listTokens(principal, frontdoorId, { size: "100" });
    expect(new Set(all.content.map((t) => t.id)).size).toBe(25);
  });

  it("sorts both ways and keeps pages disjoint when sort values tie", async () => {
    const desc = await listTokens(principal, frontdoorId, { size: "25", sort: "name,desc" });
    expect(desc.content.map((t) => t.name)).toEqual([...names].reverse());
    const seen = new Set<string>();
    for (let page = 0; page < 5; page++) {
      const slice = await listTokens(principal, frontdoorId, { page: String(page), size: "5", sort: "validDays,asc".replace("validDays", "expiresAt") });
      for (const t of slice.content) {
        expect(seen.has(t.id)).toBe(false);
        seen.add(t.id);
      }
    }
    expect(seen.size).toBe(25);
  });

  it("searches name, CN, O and OU case-insensitively and filters by status", async () => {
    expect((await listTokens(principal, frontdoorId, { q: "SPECIAL" })).totalElements).toBe(5);
    expect((await listTokens(principal, frontdoorId, { q: "acme searchable" })).totalElements).toBe(3);
    expect((await listTokens(principal, frontdoorId, { q: "agent-1" })).totalElements).toBe(10);
    expect((await listTokens(principal, frontdoorId, { q: "nothing matches this" })).content).toEqual([]);

    const page = await listTokens(principal, frontdoorId, { size: "3", sort: "name,asc" });
    const [revoked, expired] = page.content;
    await revokeToken(principal, frontdoorId, revoked!.id);
    await updateToken(principal, frontdoorId, expired!.id, { expiresAt: new Date().toISOString() });
    const counts = Object.fromEntries(
      await Promise.all(
        (["active", "revoked", "expired", "redeemed"] as const).map(async (s) => [s, (await listTokens(principal, frontdoorId, { status: s })).totalElements]),
      ),
    );
    expect(counts).toEqual({ active: 23, revoked: 1, expired: 1, redeemed: 0 });
    expect((await listTokens(principal, frontdoorId, { status: "revoked" })).content[0]?.id).toBe(revoked!.id);
  });

  it("refuses sizes and sorts outside the limits", async () => {
    await expect(listTokens(principal, frontdoorId, { size: "101" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(listTokens(principal, frontdoorId, { size: "0" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(listTokens(principal, frontdoorId, { page: "-1" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(listTokens(principal, frontdoorId, { sort: "secretHash,asc" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(listTokens(principal, frontdoorId, { status: "gone" as "active" })).rejects.toMatchObject({ code: "validation_failed" });
  });
});

describe("purging tokens", () => {
  it("deletes expired and revoked tokens past the retention, keeps the rest and every audit event", async () => {
    const frontdoor = await makeFrontdoor();
    const other = await makeFrontdoor();
    const operator = await makeUser("operator", [frontdoor.id]);
    const mk = async (name: string, fd = frontdoor.id) => (await createToken(system, fd, { name })).id;

    const oldExpired = await mk("old expired");
    const oldRevoked = await mk("old revoked");
    const youngExpired = await mk("young expired");
    const atBoundary = await mk("just inside retention");
    const active = await mk("active");
    const otherFrontdoor = await mk("other frontdoor", other.id);
    await age(oldExpired, 8 * DAY, "expired");
    await revokeToken(operator.principal, frontdoor.id, oldRevoked);
    await age(oldRevoked, 8 * DAY, "revoked");
    await age(youngExpired, 2 * DAY, "expired");
    await age(atBoundary, 7 * DAY - 60_000, "expired");
    await age(otherFrontdoor, 30 * DAY, "expired");
    const auditBefore = await getDb().auditEvent.count();

    const retentionMs = 7 * DAY;
    expect(await countPurgeableTokens(operator.principal, { frontdoorId: frontdoor.id, retentionMs })).toBe(2);
    expect(await purgeTokens(operator.principal, { frontdoorId: frontdoor.id, retentionMs })).toEqual({ deleted: 2 });
    const left = await getDb().certificateRequestToken.findMany({ where: { frontdoorId: frontdoor.id }, select: { id: true } });
    expect(left.map((t) => t.id).sort()).toEqual([youngExpired, atBoundary, active].sort());
    expect(await getDb().certificateRequestToken.count({ where: { id: otherFrontdoor } })).toBe(1);

    expect(await getDb().auditEvent.count({ where: { targetId: { in: [oldExpired, oldRevoked] } } })).toBe(3);
    const purged = await getDb().auditEvent.findFirstOrThrow({ where: { action: "tokens.purged", frontdoorId: frontdoor.id } });
    expect(purged.details).toMatchObject({ deleted: 2 });
    expect(await getDb().auditEvent.count()).toBe(auditBefore + 1);

    expect(await purgeTokens(operator.principal, { frontdoorId: frontdoor.id, retentionMs })).toEqual({ deleted: 0 });
    await expect(purgeTokens(operator.principal, { retentionMs })).rejects.toMatchObject({ code: "forbidden" });
    await expect(purgeTokens(operator.principal, { frontdoorId: other.id, retentionMs })).rejects.toMatchObject({ code: "frontdoor_not_found" });
  });

  it("never purges a redeemed token", async () => {
    const frontdoor = await makeFrontdoor();
    const id = (await createToken(system, frontdoor.id, { name: "redeemed long ago" })).id;
    await getDb().certificateRequestToken.update({
      where: { id },
      data: { redeemedAt: new Date(Date.now() - 60 * DAY), expiresAt: new Date(Date.now() - 59 * DAY) },
    });
    expect(await purgeTokens(system, { frontdoorId: frontdoor.id, retentionMs: 3_600_000 })).toEqual({ deleted: 0 });
  });

  it("refuses a retention under an hour or over ten years, whoever asks", async () => {
    const frontdoor = await makeFrontdoor();
    for (const retentionMs of [0, 3_599_999, 3651 * DAY, Number.POSITIVE_INFINITY, Number.NaN]) {
      await expect(purgeTokens(system, { frontdoorId: frontdoor.id, retentionMs })).rejects.toMatchObject({ code: "validation_failed" });
      await expect(countPurgeableTokens(system, { frontdoorId: frontdoor.id, retentionMs })).rejects.toMatchObject({ code: "validation_failed" });
    }
  });

  it("two instances purging at once delete each token once and both succeed", async () => {
    const frontdoor = await makeFrontdoor();
    const ids: string[] = [];
    for (let i = 0; i < 1200; i++) ids.push(`token-purge-${i}-${frontdoor.id}`);
    const expiresAt = new Date(Date.now() - 30 * DAY);
    await getDb().certificateRequestToken.createMany({
      data: ids.map((id, i) => ({ id, frontdoorId: frontdoor.id, name: `bulk ${i}`, secretHash: createHash("sha256").update(id).digest("hex"), secretHint: "crt_…0000", expiresAt })),
    });
    const results = await Promise.all([
      purgeTokens(system, { frontdoorId: frontdoor.id, retentionMs: 7 * DAY }),
      purgeTokens(system, { frontdoorId: frontdoor.id, retentionMs: 7 * DAY }),
      purgeTokens(system, { retentionMs: 7 * DAY }),
    ]);
    expect(results.reduce((sum, r) => sum + r.deleted, 0)).toBeGreaterThanOrEqual(1200);
    expect(await getDb().certificateRequestToken.count({ where: { frontdoorId: frontdoor.id } })).toBe(0);
    const events = await getDb().auditEvent.findMany({ where: { action: "tokens.purged", frontdoorId: frontdoor.id } });
    expect(events.reduce((sum, e) => sum + Number((e.details as { deleted: number }).deleted), 0)).toBe(1200);
  });
});

describe("the purge schedule", () => {
  it("skips a round while another instance holds the work, then purges; concurrent rounds never fail", async () => {
    const { runScheduledPurge } = await import("@/lib/domain/tokens/schedule");
    const frontdoor = await makeFrontdoor();
    for (let i = 0; i < 5; i++) {
      const { id } = await createToken(system, frontdoor.id, { name: `scheduled ${i}` });
      await age(id, 10 * DAY, "expired");
    }
    // Another instance in the middle of its round: it holds the schedule's lock.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const other = getDb().$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(7734222)`;
      locked();
      await held;
    });
    await isLocked;
    expect(await runScheduledPurge(7 * DAY)).toEqual({ skipped: true });
    expect(await getDb().certificateRequestToken.count({ where: { frontdoorId: frontdoor.id } })).toBe(5);
    release();
    await other;

    const runs = await Promise.all([runScheduledPurge(7 * DAY), runScheduledPurge(7 * DAY)]);
    expect(runs.reduce((n, r) => n + (r.skipped ? 0 : r.deleted), 0)).toBeGreaterThanOrEqual(5);
    expect(await getDb().certificateRequestToken.count({ where: { frontdoorId: frontdoor.id } })).toBe(0);
  });
});
