// A token's status is derived from its columns, never stored (the contract's definition).
// Order matters: a redeemed or revoked token is that for good; a rejection is for good too
// (even once the token's expiry passes); a pending token still expires at expiresAt.

export const TOKEN_STATUSES = ["pending_approval", "active", "redeemed", "expired", "revoked", "rejected"] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];

type StatusColumns = {
  expiresAt: Date;
  redeemedAt: Date | null;
  revokedAt: Date | null;
  approvalsRequired: number;
  approvedAt: Date | null;
  rejectedAt: Date | null;
};

export function tokenStatus(token: StatusColumns, now: Date = new Date()): TokenStatus {
  if (token.redeemedAt) return "redeemed";
  if (token.revokedAt) return "revoked";
  if (token.rejectedAt) return "rejected";
  if (token.expiresAt.getTime() <= now.getTime()) return "expired";
  if (token.approvalsRequired > 0 && !token.approvedAt) return "pending_approval";
  return "active";
}

/** The same rule as a Prisma filter, for lists and counts. */
export function statusWhere(status: TokenStatus, now: Date = new Date()) {
  const open = { redeemedAt: null, revokedAt: null, rejectedAt: null };
  switch (status) {
    case "redeemed":
      return { redeemedAt: { not: null } };
    case "revoked":
      return { redeemedAt: null, revokedAt: { not: null } };
    case "rejected":
      return { redeemedAt: null, revokedAt: null, rejectedAt: { not: null } };
    case "expired":
      return { ...open, expiresAt: { lte: now } };
    case "pending_approval":
      return { ...open, expiresAt: { gt: now }, approvalsRequired: { gt: 0 }, approvedAt: null };
    case "active":
      return { ...open, expiresAt: { gt: now }, OR: [{ approvalsRequired: 0 }, { approvedAt: { not: null } }] };
  }
}
