import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { dashboardStats, LIVE_COUNT_LIMIT, refreshDashboardSnapshots } from "@/lib/domain/dashboard";
import { createToken, listTokens } from "@/lib/domain/tokens";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";

// The reads that must stay fast with a million rows take other paths for large data; these
// tests pin that those paths give the same answers (the timings are in bench/RESULTS.md).

async function seedTokens(frontdoorId: string, count: number) {
  await getDb().$executeRawUnsafe(`
    INSERT INTO "CertificateRequestToken" ("id", "frontdoorId", "name", "commonName", "secretHash", "secretHint", "expiresAt", "updatedAt")
    SELECT 'token-' || gen_random_uuid(), '${frontdoorId}', 'fleet device ' || g, 'dev-' || g || '.example.com',
           encode(sha256(('seed-' || g || clock_timestamp())::bytea), 'hex'), 'crt_…0000', now() + interval '1 day', now()
      FROM generate_series(1, ${count}) AS g`);
}

describe("search", () => {
  it("finds a specific token among many, and a broad search still pages and counts every match", async () => {
    const frontdoor = await makeFrontdoor();
    await seedTokens(frontdoor.id, 1500);
    const specific = await listTokens(system, frontdoor.id, { q: "dev-1234.example", page: 0, size: 20 });
    expect(specific.totalElements).toBe(1);
    expect(specific.content[0]?.commonName).toBe("dev-1234.example.com");
    const broad = await listTokens(system, frontdoor.id, { q: "fleet device", page: 3, size: 100, sort: "name,asc" });
    expect(broad.totalElements).toBe(1500);
    expect(broad.content).toHaveLength(100);
    const percent = await listTokens(system, frontdoor.id, { q: "100%", page: 0, size: 20 });
    expect(percent.totalElements).toBe(0); // % is a literal character, not a wildcard
  });
});

describe("dashboard", () => {
  it("counts small Frontdoors live and shows large ones from the schedule's snapshot", async () => {
    const small = await makeFrontdoor();
    const large = await makeFrontdoor();
    await createToken(system, small.id, { name: "fresh" });
    expect((await dashboardStats(system, small.id)).tokens.active).toBe(1);
    await seedTokens(large.id, LIVE_COUNT_LIMIT);
    expect(await refreshDashboardSnapshots()).toBeGreaterThanOrEqual(1);
    const snapshot = await getDb().dashboardSnapshot.findUniqueOrThrow({ where: { frontdoorId: large.id } });
    expect(snapshot.tokenCount).toBe(LIVE_COUNT_LIMIT);
    expect(await getDb().dashboardSnapshot.count({ where: { frontdoorId: small.id } })).toBe(0);

    // A token made after the snapshot shows on the large Frontdoor only at the next recount.
    await createToken(system, large.id, { name: "after the snapshot" });
    expect((await dashboardStats(system, large.id)).tokens.active).toBe(LIVE_COUNT_LIMIT);
    await createToken(system, small.id, { name: "another" });
    const both = await dashboardStats(system);
    expect(both.tokens.active).toBeGreaterThanOrEqual(LIVE_COUNT_LIMIT + 2);
    // Its token list shows the new row at once, with the recounted total beside it.
    const listed = await listTokens(system, large.id, { status: "active", page: 0, size: 5 });
    expect(listed.content[0]?.name).toBe("after the snapshot");
    expect(listed.totalElements).toBe(LIVE_COUNT_LIMIT);
    await refreshDashboardSnapshots();
    expect((await dashboardStats(system, large.id)).tokens.active).toBe(LIVE_COUNT_LIMIT + 1);
    expect((await listTokens(system, large.id, { status: "active" })).totalElements).toBe(LIVE_COUNT_LIMIT + 1);
    expect((await listTokens(system, small.id, {})).totalElements).toBe(2);
  });
});
