import "server-only";
import { createHash } from "node:crypto";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/domain/errors";
import { challengePasswordOf } from "@/lib/pki/scep/attributes";

// Single use of an Intune challenge. Intune's validation service says whether it made a
// challenge (and that it has not expired), not whether it was used: that is the CA's to
// guard. A challenge is recorded once Intune validated it, keyed on the SHA-256 of the
// challengePassword, unique across every Frontdoor: not on the transactionId, which the client
// chooses (a new one bought a new certificate), nor on the CSR's DER (a new key around the
// same challenge would be a new CSR). The pipeline's claim sets the record's certificate, so
// two requests racing with one challenge get one certificate.

export type IntuneFrontdoor = {
  tcpSharesEnabled: boolean;
  name: string;
  profile: unknown;
  namePolicy: unknown;
  approvalsRequired: number;
  currentCaId: string | null;
  wasIssued: boolean;
};

/** SHA-256 (hex) of the CSR's challengePassword; null when it carries none. */
export function challengeHashOf(csrDer: Uint8Array): string | null {
  const challenge = challengePasswordOf(csrDer);
  return challenge === null ? null : createHash("sha256").update(challenge, "utf8").digest("hex");
}

/** The Frontdoor (its rules and current CA) and whether this challenge got a certificate already, anywhere, in one statement. */
export async function readIntuneFrontdoor(frontdoorId: string, challengeHash: string): Promise<IntuneFrontdoor> {
  const [row] = await getDb().$queryRaw<IntuneFrontdoor[]>`
    SELECT f."name", f."tcpSharesEnabled", f."profile", f."namePolicy", f."approvalsRequired",
           (SELECT c."id"::text FROM "CertificateAuthority" c WHERE c."frontdoorId" = f."id" AND c."retiredAt" IS NULL) AS "currentCaId",
           EXISTS (SELECT 1 FROM "IntuneScepTransaction" t WHERE t."challengeHash" = ${challengeHash} AND t."certificateId" IS NOT NULL) AS "wasIssued"
      FROM "Frontdoor" f WHERE f."id" = ${frontdoorId}::uuid`;
  if (!row) throw new AppError("frontdoor_not_found");
  return row;
}

/**
 * Records a validated challenge for this Frontdoor (or finds its record); null when it was
 * issued for meanwhile, or was validated for another Frontdoor: a challenge serves one.
 */
export async function recordChallenge(frontdoorId: string, transactionId: string, challengeHash: string): Promise<string | null> {
  const [row] = await getDb().$queryRaw<{ id: string }[]>`
    INSERT INTO "IntuneScepTransaction" ("frontdoorId", "transactionId", "challengeHash") VALUES (${frontdoorId}::uuid, ${transactionId}, ${challengeHash})
    ON CONFLICT ("challengeHash") DO UPDATE SET "createdAt" = "IntuneScepTransaction"."createdAt"
     WHERE "IntuneScepTransaction"."certificateId" IS NULL AND "IntuneScepTransaction"."frontdoorId" = EXCLUDED."frontdoorId"
    RETURNING "id"::text AS "id"`;
  return row?.id ?? null;
}

export const challengeUsed = () => new AppError("token_already_used", "This Intune challenge was issued a certificate already (or is another Frontdoor's); a challenge is used once.");

/** Refusal of a Frontdoor under the two-person rule: an Intune challenge is not a token, so nobody could approve it. */
export const approvalsRequired = (frontdoor: { name: string; approvalsRequired: number }) =>
  new AppError(
    "token_pending_approval",
    `Frontdoor "${frontdoor.name}" requires ${frontdoor.approvalsRequired} approval(s) for every certificate, and an Intune challenge cannot be approved: enrol through Intune on a Frontdoor without approvals, or use dynamic challenges (tokens, approved as every token).`,
  );

/** Why the pipeline's claim of a validated challenge was lost: used meanwhile, approvals turned on meanwhile, or another change. */
export async function explainLostChallenge(transactionRowId: string, frontdoorId: string): Promise<AppError> {
  const [row, frontdoor] = await Promise.all([
    getDb().intuneScepTransaction.findUnique({ where: { id: transactionRowId }, select: { certificateId: true } }),
    getDb().frontdoor.findUnique({ where: { id: frontdoorId }, select: { name: true, approvalsRequired: true } }),
  ]);
  if (row?.certificateId) return challengeUsed();
  if (frontdoor && frontdoor.approvalsRequired > 0) return approvalsRequired(frontdoor);
  return new AppError("conflict", "The Frontdoor's settings changed while the certificate was being issued; send the request again.");
}
