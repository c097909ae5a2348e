import { generateSecret, generateURI, verify } from "otplib";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { AppError } from "@/lib/domain/errors";
import { openText, sealText } from "@/lib/domain/keys";
import type { UserPrincipal } from "@/lib/domain/access/principal";
import { afterOwnFactorRemoved, assertOwnConsoleSession } from "@/lib/domain/second-factor/factors";
import { issueRecoveryCodes } from "@/lib/domain/second-factor/recovery-codes";
import { markSecondFactorPassed } from "@/lib/domain/access/sessions";
import { parseInput } from "@/lib/validation/parse";
import { totpCodeSchema } from "@/lib/validation/second-factor";

// An authenticator app (RFC 6238: SHA-1, 6 digits, 30 s, as every app understands). The seed
// is sealed under the master key because the server needs it again for every code; a code is
// accepted one step early or late (clocks drift) and never for a step at or before the last
// one accepted, so a code seen over a shoulder or in a log cannot be replayed.

/** One step either side of now. */
const TOLERANCE_SECONDS = 30;

const seedAad = (userId: string) => `totp:${userId}`;

/** Starts setting up an app: a new seed (replacing an unfinished one), for the QR code and for typing in. */
export async function beginTotpEnrolment(principal: UserPrincipal): Promise<{ secret: string; uri: string }> {
  assertOwnConsoleSession(principal);
  const secret = generateSecret();
  const encryptedSecret = sealText(secret, seedAad(principal.userId));
  // Only an unconfirmed row may be replaced: a working app is removed on purpose, not by starting over.
  const rows = await getDb().$executeRaw`
    INSERT INTO "TotpFactor" ("userId", "encryptedSecret") VALUES (${principal.userId}::uuid, ${encryptedSecret})
    ON CONFLICT ("userId") DO UPDATE SET "encryptedSecret" = EXCLUDED."encryptedSecret", "createdAt" = now(), "lastUsedStep" = NULL
     WHERE "TotpFactor"."confirmedAt" IS NULL`;
  if (rows !== 1) throw new AppError("conflict", "An authenticator app is already set up. Remove it first to set up another.");
  return { secret, uri: generateURI({ issuer: "Certdoor", label: principal.email, secret }) };
}

/** The step a code is valid for, when it is right for this seed and newer than `afterStep`. */
async function matchingStep(secret: string, code: string, afterStep: bigint | null): Promise<number | null> {
  const result = await verify({ secret, token: code, epochTolerance: TOLERANCE_SECONDS, ...(afterStep === null ? {} : { afterTimeStep: Number(afterStep) }) });
  // (The result type covers HOTP too; a TOTP match carries its time step.)
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

/**
 * Finishes setting up: the first code proves the app has the seed. Issues the ten recovery
 * codes (returned once), counts as this session's second factor, and is audited.
 */
export async function confirmTotpEnrolment(principal: UserPrincipal, rawCode: unknown): Promise<{ recoveryCodes: string[] }> {
  assertOwnConsoleSession(principal);
  const code = parseInput(totpCodeSchema, rawCode);
  const db = getDb();
  const row = await db.totpFactor.findUnique({ where: { userId: principal.userId }, select: { encryptedSecret: true, confirmedAt: true } });
  if (!row || row.confirmedAt) throw new AppError("conflict", row ? "The authenticator app is set up already." : "Start setting up an authenticator app first.");
  const step = await matchingStep(openText(row.encryptedSecret, seedAad(principal.userId)), code, null);
  if (step === null) throw new AppError("validation_failed", "That code is not right. Check the app shows Certdoor and try the current code.", [{ path: "code", message: "That code is not right" }]);
  return db.$transaction(async (tx) => {
    const { count } = await tx.totpFactor.updateMany({ where: { userId: principal.userId, confirmedAt: null, encryptedSecret: row.encryptedSecret }, data: { confirmedAt: new Date(), lastUsedStep: BigInt(step) } });
    if (count !== 1) throw new AppError("conflict", "The authenticator app was set up or restarted meanwhile. Start again.");
    const recoveryCodes = await issueRecoveryCodes(tx, principal.userId);
    if (principal.sessionId) await markSecondFactorPassed(tx, principal.sessionId, principal.userId);
    await recordAudit(tx, principal, { action: "user.second_factor_added", targetKind: "user", targetId: principal.userId, details: { email: principal.email, kind: "totp" } });
    return { recoveryCodes };
  });
}

/**
 * Checks a code at sign-in. A right code is accepted once: the step it matched is recorded by
 * a conditional update, so the same code (or an older one) fails afterwards, also when two
 * requests race.
 */
export async function checkTotpCode(userId: string, code: string): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const db = getDb();
  const row = await db.totpFactor.findUnique({ where: { userId }, select: { encryptedSecret: true, confirmedAt: true, lastUsedStep: true } });
  if (!row?.confirmedAt) return false;
  const step = await matchingStep(openText(row.encryptedSecret, seedAad(userId)), code, row.lastUsedStep);
  if (step === null) return false;
  const claimed = await db.$executeRaw`
    UPDATE "TotpFactor" SET "lastUsedStep" = ${BigInt(step)}
     WHERE "userId" = ${userId}::uuid AND "confirmedAt" IS NOT NULL AND ("lastUsedStep" IS NULL OR "lastUsedStep" < ${BigInt(step)})`;
  return claimed === 1;
}

/** Removes the caller's authenticator app (not the last required factor); audited. */
export async function removeTotp(principal: UserPrincipal): Promise<void> {
  assertOwnConsoleSession(principal);
  await getDb().$transaction(async (tx) => {
    const { count } = await tx.totpFactor.deleteMany({ where: { userId: principal.userId } });
    if (count === 0) throw new AppError("conflict", "No authenticator app is set up.");
    await afterOwnFactorRemoved(tx, principal);
    await recordAudit(tx, principal, { action: "user.second_factor_removed", targetKind: "user", targetId: principal.userId, details: { email: principal.email, kind: "totp" } });
  });
}
