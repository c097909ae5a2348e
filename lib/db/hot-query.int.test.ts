import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db";
import { hotQuery, runHot } from "@/lib/db/hot-query";
import { Prisma } from "@/lib/generated/prisma/client";
import { createToken } from "@/lib/domain/tokens";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";

// The hot statements left Prisma for pg (hot-query.ts): a row must read the same either way,
// and a value must be sent the same way, or a comparison in a claim would change meaning.

describe("hot statements on pg read and write as Prisma's $queryRaw does", () => {
  it("the same rows for every column type the hot paths read", async () => {
    const frontdoor = await makeFrontdoor();
    const token = await createToken(system, frontdoor.id, { name: "typed", commonName: "typed.example.com", subjectAltNames: { dns: ["a.example.com"] } });
    const sql = (id: string) => Prisma.sql`
      SELECT t."id", t."frontdoorId"::text AS "frontdoorId", t."updatedAt", t."expiresAt", t."redeemedAt", t."validDays", t."subjectAltNames",
             f."profile", f."tcpSharesEnabled", count(*) OVER () AS "n", now() AS "now", ${new Date("2026-01-02T03:04:05.006Z")}::timestamptz AS "sent",
             ${new Date("2026-01-02T03:04:05.000Z")}::timestamptz AS "sentWholeSecond", ${null}::text AS "nothing", ${42}::int AS "number", TIMESTAMP '2026-01-02 03:04:05.006' AS "plainTimestamp"
        FROM "CertificateRequestToken" t JOIN "Frontdoor" f ON f."id" = t."frontdoorId" WHERE t."id" = ${id}`;
    // A process whose local time is not UTC: a "timestamp" column must still read as the UTC instant Prisma reads.
    const zone = process.env.TZ;
    process.env.TZ = "America/New_York";
    const [viaPrisma, viaPg] = await Promise.all([getDb().$queryRaw<Record<string, unknown>[]>(sql(token.id)), runHot<Record<string, unknown>[]>(sql(token.id))]).finally(() => {
      process.env.TZ = zone;
    });
    expect(viaPg).toHaveLength(1);
    const { now: prismaNow, ...prismaRow } = viaPrisma[0]!;
    const { now: pgNow, ...pgRow } = viaPg[0]!;
    expect(pgRow).toEqual(prismaRow);
    expect(pgRow.updatedAt).toBeInstanceOf(Date);
    expect(typeof pgRow.n).toBe("bigint");
    expect(Math.abs((pgNow as Date).getTime() - (prismaNow as Date).getTime())).toBeLessThan(5_000);
  });

  it("a timestamp read from a column matches its stored value when sent back (the claim's updatedAt check)", async () => {
    const frontdoor = await makeFrontdoor();
    const token = await createToken(system, frontdoor.id, { name: "round trip" });
    const [row] = await hotQuery<{ updatedAt: Date }[]>`SELECT "updatedAt" FROM "CertificateRequestToken" WHERE "id" = ${token.id}`;
    const [same] = await hotQuery<{ n: bigint }[]>`SELECT count(*) AS n FROM "CertificateRequestToken" WHERE "id" = ${token.id} AND "updatedAt" = ${row!.updatedAt}::timestamptz`;
    expect(same!.n).toBe(1n);
  });
});

describe("hot statements fail closed and survive what deployments do", () => {
  it("refuses a result type it does not read as $queryRaw does (numeric, date, timestamp[]) instead of changing its meaning", async () => {
    for (const sql of [Prisma.sql`SELECT 1.50::numeric AS "n"`, Prisma.sql`SELECT DATE '2026-01-02' AS "d"`, Prisma.sql`SELECT ARRAY[TIMESTAMP '2026-01-02 03:04:05'] AS "a"`]) {
      await expect(runHot(sql)).rejects.toThrow(/hotQuery does not read column/);
    }
  });

  it("a migration that changes a result column's type under a prepared statement costs no failed request", async () => {
    const db = getDb();
    await db.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS "HotQueryDrift" ("v" integer)`);
    await db.$executeRawUnsafe(`INSERT INTO "HotQueryDrift" VALUES (7)`);
    const read = () => runHot<{ v: unknown }[]>(Prisma.sql`SELECT "v" FROM "HotQueryDrift" LIMIT 1`);
    // Prepared on every pooled connection first.
    await Promise.all(Array.from({ length: 10 }, read));
    await db.$executeRawUnsafe(`ALTER TABLE "HotQueryDrift" ALTER COLUMN "v" TYPE text`);
    const after = await Promise.all(Array.from({ length: 10 }, read));
    expect(after.map((rows) => rows[0]?.v)).toEqual(Array(10).fill("7"));
    await db.$executeRawUnsafe(`DROP TABLE "HotQueryDrift"`);
  });

  it("runs unnamed when DATABASE_PREPARED_STATEMENTS=off (transaction-mode poolers)", async () => {
    const { env } = await import("@/lib/env");
    const before = env.DATABASE_PREPARED_STATEMENTS;
    Object.assign(env, { DATABASE_PREPARED_STATEMENTS: "off" });
    try {
      const spy = vi.spyOn(pg.Client.prototype, "query");
      const marker = `unnamed-${Date.now()}`;
      expect(await runHot<{ m: string }[]>(Prisma.sql`SELECT ${marker}::text AS "m"`)).toEqual([{ m: marker }]);
      const sent = spy.mock.calls.map(([config]) => config as { name?: string; text?: string }).filter((c) => c.text?.includes('AS "m"'));
      spy.mockRestore();
      expect(sent).toHaveLength(1);
      expect(sent[0]!.name).toBeUndefined();
    } finally {
      Object.assign(env, { DATABASE_PREPARED_STATEMENTS: before });
    }
  });
});
