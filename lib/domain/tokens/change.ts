import { getDb, type Tx } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { AppError } from "@/lib/domain/errors";
import type { Principal } from "@/lib/domain/access/principal";
import { assertTokenWithinRules } from "@/lib/domain/names/enforce";
import { readFrontdoorRules } from "@/lib/domain/names/frontdoor-rules";
import { actingAuthorIds, actingUserId, frontdoorFor } from "@/lib/domain/access/scope";
import { tokenStatus } from "@/lib/domain/tokens/status";
import { type TokenView, toTokenView, tokenViewSelect } from "@/lib/domain/tokens/view";
import { parseInput } from "@/lib/validation/parse";
import { type UpdateTokenInput, updateTokenSchema } from "@/lib/validation/tokens";

// Changes to a token are conditional updates checked by their row count, never a read
// followed by a write: a token redeemed a millisecond earlier is not changed afterwards.

/** Why a conditional update touched no row: the token is missing, or no longer active. */
export async function explainNoChange(tx: Tx, frontdoorId: string, tokenId: string, what: string): Promise<never> {
  const row = await tx.certificateRequestToken.findFirst({
    where: { id: tokenId, frontdoorId },
    select: { expiresAt: true, redeemedAt: true, revokedAt: true, rejectedAt: true, approvalsRequired: true, approvedAt: true },
  });
  if (!row) throw new AppError("token_not_found", `No token ${tokenId} on this Frontdoor.`);
  const status = tokenStatus(row);
  const advice =
    status === "redeemed"
      ? " It was redeemed; revoke its certificate instead."
      : status === "revoked"
        ? " It was revoked already."
        : status === "expired"
          ? " It has expired; create a new token."
          : status === "rejected"
            ? " An approver rejected it; create a new token."
            : "";
  throw new AppError("token_not_active", `Cannot ${what} token ${tokenId}: it is ${status}.${advice}`);
}

/**
 * The audit details of a change: each field the update wrote, as the row now holds it (not
 * as asked), so the log can never claim a change that was not stored.
 */
function writtenValues<D extends object>(data: D, row: Record<keyof D, unknown>): Record<string, unknown> {
  const written = (Object.keys(data) as (keyof D)[]).filter((key) => data[key] !== undefined);
  return Object.fromEntries(written.map((key) => [key, row[key] instanceof Date ? (row[key] as Date).toISOString() : row[key]]));
}

/** The fields of a token that shape its certificate: approvals were given to exactly these. */
const CERTIFICATE_FIELDS = ["commonName", "organization", "organizationalUnit", "subjectAltNames", "validDays"] as const;

/**
 * What a change does to approvals. A change to what the certificate will say (any such field
 * given, whether or not its value differs, so no comparison can race) sends the token back to
 * pending under the larger of its own and the Frontdoor's current requirement, its answers
 * cleared (their events stay in the audit log), its content version +1, and whoever made the
 * change among its authors: approvers approved the certificate they were shown, and nobody
 * approves what they wrote. A longer life for a token made under a smaller requirement than
 * today's brings it under today's too, so a token from before the policy cannot be kept alive
 * forever unapproved. True when it reopened them.
 */
async function reopenApprovals(tx: Tx, principal: Principal, frontdoorId: string, tokenId: string, input: UpdateTokenInput, now: Date): Promise<boolean> {
  const isContent = CERTIFICATE_FIELDS.some((field) => input[field] !== undefined);
  const isLonger = input.expiresAt !== undefined && new Date(input.expiresAt).getTime() > now.getTime();
  if (!isContent && !isLonger) return false;
  const rows = await tx.$queryRaw<{ id: string }[]>`
    UPDATE "CertificateRequestToken" AS t
       SET "approvalsRequired" = GREATEST(t."approvalsRequired", f."approvalsRequired"), "approvalCount" = 0, "approvedAt" = NULL,
           "approvalNotifiedAt" = NULL, "contentVersion" = t."contentVersion" + 1, "updatedAt" = ${now}::timestamptz,
           "authorIds" = ARRAY(SELECT DISTINCT unnest(t."authorIds" || ${actingAuthorIds(principal)}::uuid[]))
      FROM "Frontdoor" AS f
     WHERE t."id" = ${tokenId} AND t."frontdoorId" = ${frontdoorId}::uuid AND f."id" = t."frontdoorId"
       AND ((${isContent} AND GREATEST(t."approvalsRequired", f."approvalsRequired") > 0) OR (${isLonger} AND t."approvalsRequired" < f."approvalsRequired"))
    RETURNING t."id"`;
  if (rows.length === 0) return false;
  await tx.tokenApproval.deleteMany({ where: { tokenId } });
  return true;
}

/** Changes metadata, validity or expiry of an active token; an expiry at or before now expires it at once. */
export async function updateToken(
  principal: Principal,
  frontdoorId: string,
  tokenId: string,
  raw: UpdateTokenInput,
): Promise<TokenView> {
  const input = parseInput(updateTokenSchema, raw);
  return getDb().$transaction(async (tx) => {
    const frontdoor = await frontdoorFor(principal, frontdoorId, "operate", tx);
    // What the change sets must fit the Frontdoor's profile and name policy (held FOR SHARE until commit).
    assertTokenWithinRules((await readFrontdoorRules(frontdoor.id, tx))!, input);
    const now = new Date();
    const expiresAt = input.expiresAt === undefined ? undefined : new Date(input.expiresAt);
    const data = {
      name: input.name,
      commonName: input.commonName,
      organization: input.organization,
      organizationalUnit: input.organizationalUnit,
      validDays: input.validDays,
      recipientEmail: input.recipientEmail,
      subjectAltNames: input.subjectAltNames,
      // An expiry in the past is stored as now, so the history shows when it was ended.
      expiresAt: expiresAt && expiresAt.getTime() <= now.getTime() ? now : expiresAt,
    } satisfies Record<keyof typeof input, unknown>;
    const { count } = await tx.certificateRequestToken.updateMany({
      where: { id: tokenId, frontdoorId: frontdoor.id, redeemedAt: null, revokedAt: null, rejectedAt: null, expiresAt: { gt: now } },
      data,
    });
    if (count === 0) await explainNoChange(tx, frontdoor.id, tokenId, "change");
    const isReopened = await reopenApprovals(tx, principal, frontdoor.id, tokenId, input, now);
    const row = await tx.certificateRequestToken.findFirstOrThrow({ where: { id: tokenId, frontdoorId: frontdoor.id }, select: tokenViewSelect });
    const isExpiredNow = expiresAt !== undefined && expiresAt.getTime() <= now.getTime();
    await recordAudit(tx, principal, {
      action: isExpiredNow ? "token.expired" : "token.updated",
      frontdoorId: frontdoor.id,
      targetKind: "token",
      targetId: tokenId,
      details: writtenValues(data, row),
    });
    if (isReopened) await recordAudit(tx, principal, { action: "token.approval_requested", frontdoorId: frontdoor.id, targetKind: "token", targetId: tokenId, details: { approvalsRequired: row.approvalsRequired, reason: "changed" } });
    return toTokenView(row, now);
  });
}

/** Revokes a token that was never redeemed; it can no longer be redeemed and its history stays. */
export async function revokeToken(principal: Principal, frontdoorId: string, tokenId: string): Promise<TokenView> {
  return getDb().$transaction(async (tx) => {
    const frontdoor = await frontdoorFor(principal, frontdoorId, "operate", tx);
    const now = new Date();
    const { count } = await tx.certificateRequestToken.updateMany({
      where: { id: tokenId, frontdoorId: frontdoor.id, redeemedAt: null, revokedAt: null },
      data: { revokedAt: now, revokedById: actingUserId(principal) },
    });
    if (count === 0) await explainNoChange(tx, frontdoor.id, tokenId, "revoke");
    await recordAudit(tx, principal, { action: "token.revoked", frontdoorId: frontdoor.id, targetKind: "token", targetId: tokenId });
    const row = await tx.certificateRequestToken.findFirstOrThrow({ where: { id: tokenId, frontdoorId: frontdoor.id }, select: tokenViewSelect });
    return toTokenView(row, now);
  });
}
