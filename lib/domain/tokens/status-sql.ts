import type { TokenStatus } from "@/lib/domain/tokens/status";
import { Prisma } from "@/lib/generated/prisma/client";

// status.ts is shared with the browser (forms, filters); the SQL form of the rule lives here.

const OPEN = Prisma.sql`"redeemedAt" IS NULL AND "revokedAt" IS NULL AND "rejectedAt" IS NULL`;

/** The same rule as SQL, for hand-tuned queries. */
export function statusSql(status: TokenStatus, now: Date = new Date()): Prisma.Sql {
  switch (status) {
    case "redeemed":
      return Prisma.sql`"redeemedAt" IS NOT NULL`;
    case "revoked":
      return Prisma.sql`"redeemedAt" IS NULL AND "revokedAt" IS NOT NULL`;
    case "rejected":
      return Prisma.sql`"redeemedAt" IS NULL AND "revokedAt" IS NULL AND "rejectedAt" IS NOT NULL`;
    case "expired":
      return Prisma.sql`${OPEN} AND "expiresAt" <= ${now}`;
    case "pending_approval":
      return Prisma.sql`${OPEN} AND "expiresAt" > ${now} AND "approvalsRequired" > 0 AND "approvedAt" IS NULL`;
    case "active":
      return Prisma.sql`${OPEN} AND "expiresAt" > ${now} AND ("approvalsRequired" = 0 OR "approvedAt" IS NOT NULL)`;
  }
}
