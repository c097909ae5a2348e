import type { TokenStatus } from "@/lib/domain/tokens/status";
import { Prisma } from "@/lib/generated/prisma/client";

// status.ts is shared with the browser (forms, filters); the SQL form of the rule lives here.

/** The same rule as SQL, for hand-tuned queries. */
export function statusSql(status: TokenStatus, now: Date = new Date()): Prisma.Sql {
  switch (status) {
    case "redeemed":
      return Prisma.sql`"redeemedAt" IS NOT NULL`;
    case "revoked":
      return Prisma.sql`"redeemedAt" IS NULL AND "revokedAt" IS NOT NULL`;
    case "expired":
      return Prisma.sql`"redeemedAt" IS NULL AND "revokedAt" IS NULL AND "expiresAt" <= ${now}`;
    case "active":
      return Prisma.sql`"redeemedAt" IS NULL AND "revokedAt" IS NULL AND "expiresAt" > ${now}`;
  }
}
