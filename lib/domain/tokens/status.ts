// A token's status is derived from its columns, never stored (the contract's definition).

export const TOKEN_STATUSES = ["active", "redeemed", "expired", "revoked"] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];

type StatusColumns = { expiresAt: Date; redeemedAt: Date | null; revokedAt: Date | null };

export function tokenStatus(token: StatusColumns, now: Date = new Date()): TokenStatus {
  if (token.redeemedAt) return "redeemed";
  if (token.revokedAt) return "revoked";
  if (token.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

/** The same rule as a Prisma filter, for lists and counts. */
export function statusWhere(status: TokenStatus, now: Date = new Date()) {
  switch (status) {
    case "redeemed":
      return { redeemedAt: { not: null } };
    case "revoked":
      return { redeemedAt: null, revokedAt: { not: null } };
    case "expired":
      return { redeemedAt: null, revokedAt: null, expiresAt: { lte: now } };
    case "active":
      return { redeemedAt: null, revokedAt: null, expiresAt: { gt: now } };
  }
}

