import { Prisma } from "@/lib/generated/prisma/client";

// The one claim builder of the issuing pipeline. A door says what it claims: a token's single
// use (redemption, and EST and SCEP, which are redemption in other wire formats), or a
// certificate's one renewal. The claim is a conditional update that returns a row only
// while that holds AND the Frontdoor is open AND its profile and name policy are the ones
// the certificate was shaped and checked by AND the CA that signed is still its current
// one: a rotation that commits between the signature and the claim makes the claim lose
// (the pipeline then signs again with the new CA), so no certificate is ever stored under
// a CA retired before it was, nor under rules changed before it was. Conditions written
// once here cannot be forgotten by a new door.

export type ClaimTarget =
  /**
   * Redemption: the token, still active (approved, when it needs approvals), still holding this secret (a rotation of the secret
   * retires the old one) and unchanged since it was read (a PATCH in between changed what
   * the certificate may say: the redemption reads it again).
   */
  | { kind: "token"; tokenId: string; secretHash: string; updatedAt: Date }
  /** Renewal: the certificate being renewed, not renewed, revoked or expired since it was read. */
  | { kind: "renewal"; certificateId: string }
  /** SCEP validated by Microsoft Intune: the challenge's record, not yet issued for, on a Frontdoor still without approvals (scep/intune). */
  | { kind: "intune"; transactionRowId: string };

/** `rules`: the Frontdoor's profile and name policy as stored when the authorizer read them. */
export type ClaimContext = { frontdoorId: string; caId: string; certificateId: string; now: Date; rules: { profile: string; namePolicy: string } };

function targetSql(target: ClaimTarget, { certificateId, now }: ClaimContext): { table: Prisma.Sql; set: Prisma.Sql; where: Prisma.Sql } {
  switch (target.kind) {
    case "token":
      return {
        table: Prisma.sql`"CertificateRequestToken"`,
        set: Prisma.sql`"redeemedAt" = ${now}::timestamptz, "clientCertificateId" = ${certificateId}, "updatedAt" = ${now}::timestamptz`,
        where: Prisma.sql`t."id" = ${target.tokenId} AND t."secretHash" = ${target.secretHash} AND t."updatedAt" = ${target.updatedAt}::timestamptz
           AND t."redeemedAt" IS NULL AND t."revokedAt" IS NULL AND t."expiresAt" > ${now}::timestamptz
           AND t."rejectedAt" IS NULL AND (t."approvalsRequired" = 0 OR t."approvedAt" IS NOT NULL)`,
      };
    case "renewal":
      return {
        table: Prisma.sql`"ClientCertificate"`,
        set: Prisma.sql`"renewedAt" = ${now}::timestamptz`,
        // f."renewalWindowDays" > 0: renewal turned off while this one was signed stops it too.
        where: Prisma.sql`t."id" = ${target.certificateId} AND t."renewedAt" IS NULL AND t."revokedAt" IS NULL AND t."notAfter" > ${now}::timestamptz AND f."renewalWindowDays" > 0`,
      };
    case "intune":
      return {
        table: Prisma.sql`"IntuneScepTransaction"`,
        set: Prisma.sql`"issuedAt" = ${now}::timestamptz, "certificateId" = ${certificateId}`,
        // An Intune challenge cannot be approved: approvals turned on while it was signed stop it.
        where: Prisma.sql`t."id" = ${target.transactionRowId}::uuid AND t."certificateId" IS NULL AND f."approvalsRequired" = 0`,
      };
  }
}

/** The body of the pipeline's CTE "claim": one row while this issuance may go ahead, none once it lost. */
export function claimSql(target: ClaimTarget, context: ClaimContext): Prisma.Sql {
  const { table, set, where } = targetSql(target, context);
  return Prisma.sql`
    UPDATE ${table} AS t SET ${set}
      FROM "Frontdoor" AS f, "CertificateAuthority" AS ca
     WHERE ${where}
       AND t."frontdoorId" = ${context.frontdoorId}::uuid AND f."id" = t."frontdoorId" AND f."tcpSharesEnabled"
       AND ca."id" = ${context.caId}::uuid AND ca."frontdoorId" = f."id" AND ca."retiredAt" IS NULL
       AND f."profile" = ${context.rules.profile}::jsonb AND f."namePolicy" = ${context.rules.namePolicy}::jsonb
    RETURNING t."id"`;
}
