import { getDb } from "@/lib/db";
import { AppError, isAppError } from "@/lib/domain/errors";
import type { UserPrincipal } from "@/lib/domain/access/principal";
import { sessionBinding } from "@/lib/domain/second-factor/challenges";
import { secondFactorLimiter } from "@/lib/domain/second-factor/limits";
import { passkeyAssertionOptions, verifyPasskeyAssertion } from "@/lib/domain/second-factor/passkey-assertion";
import type { AuthenticationOptionsJSON } from "@/lib/domain/second-factor/relying-party";
import { useRecoveryCode } from "@/lib/domain/second-factor/recovery-codes";
import { checkTotpCode } from "@/lib/domain/second-factor/totp";
import { markSecondFactorPassed } from "@/lib/domain/access/sessions";
import { parseInput } from "@/lib/validation/parse";
import { secondStepCodeSchema } from "@/lib/validation/second-factor";

// The second step of a password sign-in: the session exists but counts for nothing until it
// passes a code from the app, a recovery code or a passkey (lib/auth/session.ts). `pending`
// is the user of that session; only these functions accept it.

export type SecondStepMethods = { hasTotp: boolean; passkeyCount: number; recoveryCodesLeft: number };

function sessionOf(pending: UserPrincipal): string {
  if (!pending.sessionId || pending.apiKeyId) throw new AppError("unauthenticated", "Sign in again.");
  return pending.sessionId;
}

/** What the pending user can answer with (the page offers only these). */
export async function secondStepMethods(pending: UserPrincipal): Promise<SecondStepMethods> {
  const db = getDb();
  const [totp, passkeyCount, recoveryCodesLeft] = await Promise.all([
    db.totpFactor.count({ where: { userId: pending.userId, confirmedAt: { not: null } } }),
    db.passkey.count({ where: { userId: pending.userId } }),
    db.recoveryCode.count({ where: { userId: pending.userId, usedAt: null } }),
  ]);
  return { hasTotp: totp > 0, passkeyCount, recoveryCodesLeft };
}

/**
 * A 6-digit code from the app, or a recovery code. Each answer takes a point of a limit per
 * user (wherever it comes from) before any code is looked at, so a burst of guesses gets no
 * more checks than the limit; a right code gives its point back.
 */
export async function completeSecondStepWithCode(pending: UserPrincipal, raw: unknown): Promise<{ usedRecoveryCode: boolean }> {
  const sessionId = sessionOf(pending);
  const code = parseInput(secondStepCodeSchema, raw);
  const digits = code.replace(/\s+/g, "");
  const isTotp = /^\d{6}$/.test(digits);
  await secondFactorLimiter.around(
    pending.userId,
    async () => {
      const ok = isTotp ? await checkTotpCode(pending.userId, digits) : await useRecoveryCode(pending, code);
      if (!ok) throw new AppError("validation_failed", "That code is not right, or it was used already.", [{ path: "code", message: "That code is not right, or it was used already" }]);
    },
    { counts: (error) => isAppError(error) && error.code === "validation_failed", message: (wait) => `Too many wrong codes. Try again in ${Math.ceil(wait / 60)} minutes.` },
  );
  await markSecondFactorPassed(getDb(), sessionId, pending.userId);
  return { usedRecoveryCode: !isTotp };
}

/** Options to answer the second step with one of the user's passkeys. */
export async function secondStepPasskeyOptions(pending: UserPrincipal): Promise<AuthenticationOptionsJSON> {
  return passkeyAssertionOptions(sessionBinding(sessionOf(pending)), "second_factor", pending.context, pending.userId);
}

/** The second step answered with a passkey. */
export async function completeSecondStepWithPasskey(pending: UserPrincipal, response: unknown): Promise<void> {
  const sessionId = sessionOf(pending);
  const verified = await verifyPasskeyAssertion(sessionBinding(sessionId), "second_factor", pending.context, response, pending.userId);
  if (!verified) throw new AppError("validation_failed", "The passkey could not be verified. Try again.");
  await markSecondFactorPassed(getDb(), sessionId, pending.userId);
}
