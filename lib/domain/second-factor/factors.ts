import { type Db, getDb, type Tx } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { AppError } from "@/lib/domain/errors";
import { assertCanAdminister } from "@/lib/domain/access/permissions";
import type { Principal, UserPrincipal } from "@/lib/domain/access/principal";
import { getSecondFactorPolicy, requiresSecondFactor } from "@/lib/domain/second-factor/policy";
import { uuidSchema } from "@/lib/validation/common";

// A user's second factors as a whole: whether they have one, what they see of theirs, the
// rule that keeps a required factor from being removed, and an administrator's reset.
// A factor is a confirmed authenticator app or a passkey; recovery codes stand in for one
// and go when the last factor goes.

export type FactorsView = {
  totp: { createdAt: Date; confirmedAt: Date } | null;
  passkeys: { id: string; name: string; rpId: string; createdAt: Date; lastUsedAt: Date | null; isBackedUp: boolean }[];
  recoveryCodesLeft: number;
  /** The policy requires this user to keep a factor. */
  isRequired: boolean;
};

/** Factors are managed by their owner in a console session, never with an API key. */
export function assertOwnConsoleSession(principal: UserPrincipal): void {
  if (principal.apiKeyId) throw new AppError("forbidden", "Manage your second factor in the console, not with an API key.");
}

/** Whether the user has a confirmed authenticator app or a passkey. */
export async function hasSecondFactor(db: Db | Tx, userId: string): Promise<boolean> {
  const [totp, passkeys] = await Promise.all([
    db.totpFactor.count({ where: { userId, confirmedAt: { not: null } } }),
    db.passkey.count({ where: { userId } }),
  ]);
  return totp + passkeys > 0;
}

/** The caller's own factors, for Your account. */
export async function listOwnFactors(principal: UserPrincipal): Promise<FactorsView> {
  const db = getDb();
  const [totp, passkeys, recoveryCodesLeft, policy] = await Promise.all([
    db.totpFactor.findFirst({ where: { userId: principal.userId, confirmedAt: { not: null } }, select: { createdAt: true, confirmedAt: true } }),
    db.passkey.findMany({ where: { userId: principal.userId }, select: { id: true, name: true, rpId: true, createdAt: true, lastUsedAt: true, isBackedUp: true }, orderBy: { createdAt: "asc" } }),
    db.recoveryCode.count({ where: { userId: principal.userId, usedAt: null } }),
    getSecondFactorPolicy(),
  ]);
  return {
    totp: totp?.confirmedAt ? { createdAt: totp.createdAt, confirmedAt: totp.confirmedAt } : null,
    passkeys,
    recoveryCodesLeft,
    isRequired: requiresSecondFactor(policy, principal.role),
  };
}

/**
 * Called in the transaction that removed one of the caller's factors: refuses (rolling it back)
 * when it was the last one and the policy requires one, and otherwise drops the recovery codes
 * along with the last factor.
 */
export async function afterOwnFactorRemoved(tx: Tx, principal: UserPrincipal): Promise<void> {
  if (await hasSecondFactor(tx, principal.userId)) return;
  if (requiresSecondFactor(await getSecondFactorPolicy(), principal.role)) {
    throw new AppError("forbidden", "A second factor is required for your account: add another one before removing this one.");
  }
  await tx.recoveryCode.deleteMany({ where: { userId: principal.userId } });
}

/**
 * An administrator removes every factor of another user (a lost phone and lost codes): the
 * authenticator app, passkeys and recovery codes. Their next password sign-in needs no second
 * step, or leads to setting one up when the policy requires it. Audited with what was removed.
 */
export async function resetSecondFactors(principal: Principal, userId: unknown): Promise<{ totp: boolean; passkeys: number; recoveryCodes: number }> {
  assertCanAdminister(principal);
  const id = uuidSchema.safeParse(userId);
  if (!id.success) throw new AppError("user_not_found");
  if (principal.kind === "user" && principal.userId === userId) {
    throw new AppError("forbidden", "Manage your own second factor on Your account.");
  }
  return getDb().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: id.data }, select: { id: true, email: true } });
    if (!user) throw new AppError("user_not_found");
    const totp = await tx.totpFactor.deleteMany({ where: { userId: user.id } });
    const passkeys = await tx.passkey.deleteMany({ where: { userId: user.id } });
    const recoveryCodes = await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
    const removed = { totp: totp.count > 0, passkeys: passkeys.count, recoveryCodes: recoveryCodes.count };
    await recordAudit(tx, principal, { action: "user.second_factor_reset", targetKind: "user", targetId: user.id, details: { email: user.email, ...removed } });
    return removed;
  });
}
