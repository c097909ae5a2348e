import { describe, expect, it } from "vitest";
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
