import { createHash, randomBytes } from "node:crypto";
import { type Db, getDb, type Tx } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { AppError } from "@/lib/domain/errors";
import type { UserPrincipal } from "@/lib/domain/access/principal";
import { assertOwnConsoleSession, hasSecondFactor } from "@/lib/domain/second-factor/factors";

// Ten one-time recovery codes, for when the phone or the key is lost. Each has about 79
// random bits, so a plain SHA-256 is enough to keep them (no slow hash needed: nobody can try
// 2^79 guesses against a stolen table); the codes themselves are shown once and never stored.

export const RECOVERY_CODE_COUNT = 10;

/** Lower-case letters and digits without the look-alikes (i, l, o, 0, 1): 31 symbols, 16 of them. */
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

function newCode(): string {
  // Bytes from 248 up are skipped so that every symbol is equally likely (248 = 8 × 31).
  let out = "";
  while (out.length < 16) {
    for (const byte of randomBytes(32)) {
      if (byte < 248 && out.length < 16) out += ALPHABET[byte % 31];
    }
  }
  return out.match(/.{4}/g)!.join("-");
}

/** What a person may type: case, spaces and dashes do not matter. */
export const normaliseRecoveryCode = (code: string) => code.toLowerCase().replace(/[\s-]+/g, "");

const hashOf = (code: string) => createHash("sha256").update(normaliseRecoveryCode(code), "utf8").digest("hex");

/** A fresh set of codes for the user, replacing every earlier one (used or not). Returns them once. */
export async function issueRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({ data: codes.map((code) => ({ userId, codeHash: hashOf(code) })) });
  return codes;
}

/** Unused codes the user has left. */
export async function recoveryCodesLeft(db: Db | Tx, userId: string): Promise<number> {
  return db.recoveryCode.count({ where: { userId, usedAt: null } });
}

/**
 * Uses one code: a conditional update, so a code works once even when two requests race.
 * Audited with how many remain. False when it is not an unused code of this user.
 */
export async function useRecoveryCode(principal: UserPrincipal, code: string): Promise<boolean> {
  if (normaliseRecoveryCode(code).length !== 16) return false;
  return getDb().$transaction(async (tx) => {
    const { count } = await tx.recoveryCode.updateMany({ where: { userId: principal.userId, codeHash: hashOf(code), usedAt: null }, data: { usedAt: new Date() } });
    if (count !== 1) return false;
    const remaining = await recoveryCodesLeft(tx, principal.userId);
    await recordAudit(tx, principal, { action: "user.recovery_code_used", targetKind: "user", targetId: principal.userId, details: { email: principal.email, remaining } });
    return true;
  });
}

/** New codes for a user who has a factor (the old ones stop working); audited, the codes never. */
export async function regenerateRecoveryCodes(principal: UserPrincipal): Promise<string[]> {
  assertOwnConsoleSession(principal);
  return getDb().$transaction(async (tx) => {
    if (!(await hasSecondFactor(tx, principal.userId))) throw new AppError("validation_failed", "Set up an authenticator app or a passkey first; recovery codes stand in for one of them.");
    const codes = await issueRecoveryCodes(tx, principal.userId);
    await recordAudit(tx, principal, { action: "user.recovery_codes_regenerated", targetKind: "user", targetId: principal.userId, details: { email: principal.email, count: codes.length } });
    return codes;
  });
}
