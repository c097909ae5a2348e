import { getDb } from "@/lib/db";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { recordAudit } from "@/lib/domain/audit/events";
import { AppError } from "@/lib/domain/errors";
import type { UserPrincipal } from "@/lib/domain/access/principal";
import { parseInput } from "@/lib/validation/parse";
import { type ChangePasswordInput, changePasswordSchema } from "@/lib/validation/users";

// What a signed-in user does to their own account.

/**
 * A new password, given the current one. Every other session of the user ends (whoever
 * may have learnt the old password is signed out); this one stays. Audited, never with
 * either password.
 */
export async function changeOwnPassword(principal: UserPrincipal, raw: ChangePasswordInput): Promise<{ endedSessions: number }> {
  if (principal.apiKeyId) throw new AppError("forbidden", "Change your password in the console, not with an API key.");
  const input = parseInput(changePasswordSchema, raw);
  const user = await getDb().user.findUnique({ where: { id: principal.userId }, select: { passwordHash: true } });
  if (!user?.passwordHash) throw new AppError("validation_failed", "This account signs in through your identity provider and has no password here.", [{ path: "currentPassword", message: "No password is set for this account" }]);
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError("validation_failed", "The current password is not right.", [{ path: "currentPassword", message: "The current password is not right" }]);
  }
  const passwordHash = await hashPassword(input.newPassword);
  return getDb().$transaction(async (tx) => {
    await tx.user.update({ where: { id: principal.userId }, data: { passwordHash } });
    const { count } = await tx.session.updateMany({
      where: { userId: principal.userId, endedAt: null, ...(principal.sessionId ? { id: { not: principal.sessionId } } : {}) },
      data: { endedAt: new Date(), endReason: "password_changed" },
    });
    await recordAudit(tx, principal, { action: "user.password_changed", targetKind: "user", targetId: principal.userId, details: { email: principal.email, endedSessions: count } });
    return { endedSessions: count };
  });
}
