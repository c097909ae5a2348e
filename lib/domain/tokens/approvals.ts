import { getDb, type Tx } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { AppError } from "@/lib/domain/errors";
import { canOperateFrontdoor } from "@/lib/domain/access/permissions";
import type { Principal, UserPrincipal } from "@/lib/domain/access/principal";
import { frontdoorFor } from "@/lib/domain/access/scope";
import { tokenStatus } from "@/lib/domain/tokens/status";
import { type TokenView, toTokenView, tokenViewSelect } from "@/lib/domain/tokens/view";
import { type ApprovalAnswerInput, approvalAnswerSchema, type ApprovalDecision } from "@/lib/validation/approvals";
import { parseInput } from "@/lib/validation/parse";

// Two-person approval (CONTRACT "Approvals"). An answer is one transaction that locks the
// token's row first: answers to one token queue behind each other, so two approvals racing
// for the last place make one `active` transition and one token.approved event, never two;
// the unique (tokenId, userId) index holds "one answer per person" even beneath that.

export type ApprovalAnswer = { by: string; at: Date; decision: ApprovalDecision; comment: string | null };

const notAllowed = (why: string) => new AppError("approval_not_allowed", why);

/** Who wrote a token (creator, editors, key makers) and who answered it already. */
export type AnswerersOf = { authorIds: string[]; answeredBy: (string | null)[] };

/**
 * Why this caller may not answer (null: they may): the one rule answerToken enforces and the
 * Approvals page explains. Answers come from people (not the CLI) who may operate the
 * Frontdoor and are not auditors, each as themselves (an API key someone else made for them
 * cannot answer, or that someone could answer in their name); with `token`, also never from
 * its authors nor twice from one person.
 */
export function answerRefusal(principal: Principal, frontdoorId: string, token?: AnswerersOf): AppError | null {
  if (principal.kind !== "user") return notAllowed("The command line cannot answer approvals: people do, each with their own account.");
  if (principal.role === "auditor") return notAllowed("Auditors do not answer approvals.");
  if (principal.apiKeyMadeByOther) return notAllowed("This API key was made for you by someone else; answer approvals in the console or with a key you made yourself.");
  if (!canOperateFrontdoor(principal, frontdoorId)) return new AppError("frontdoor_not_found", "You are not a member of this Frontdoor.");
  if (token?.authorIds.includes(principal.userId)) return notAllowed("You created this token or changed what its certificate will say; someone else must approve it.");
  if (token?.answeredBy.includes(principal.userId)) return notAllowed("You answered this token already; each person answers once.");
  return null;
}

function assertMayAnswer(principal: Principal, frontdoorId: string, token?: AnswerersOf): asserts principal is UserPrincipal {
  const refusal = answerRefusal(principal, frontdoorId, token);
  if (refusal) throw refusal;
}

type Locked = { authorIds: string[]; contentVersion: number; expiresAt: Date; redeemedAt: Date | null; revokedAt: Date | null; approvalsRequired: number; approvalCount: number; approvedAt: Date | null; rejectedAt: Date | null };

async function lockToken(tx: Tx, frontdoorId: string, tokenId: string): Promise<Locked> {
  const [row] = await tx.$queryRaw<Locked[]>`
    SELECT "authorIds"::text[] AS "authorIds", "contentVersion", "expiresAt", "redeemedAt", "revokedAt", "approvalsRequired", "approvalCount", "approvedAt", "rejectedAt"
      FROM "CertificateRequestToken" WHERE "id" = ${tokenId} AND "frontdoorId" = ${frontdoorId}::uuid FOR UPDATE`;
  if (!row) throw new AppError("token_not_found", `No token ${tokenId} on this Frontdoor.`);
  return row;
}

/**
 * Approves or rejects a token waiting for approval. Enough approvals make it active
 * (token.approved), one rejection makes it rejected for good (token.rejected); an approval
 * short of the count is audited as token.approval_given. Refused: the token's authors (its
 * creator and whoever changed what its certificate says), a second answer by the same person,
 * an auditor, the CLI, a key made by someone else (approval_not_allowed); a token not pending
 * (token_not_pending); an answer to a version of the token that is no longer its content
 * (conflict).
 */
export async function answerToken(principal: Principal, frontdoorId: string, tokenId: string, raw: ApprovalAnswerInput): Promise<TokenView> {
  const answer = parseInput(approvalAnswerSchema, raw);
  const frontdoor = await frontdoorFor(principal, frontdoorId, "read");
  assertMayAnswer(principal, frontdoor.id);
  return getDb().$transaction(async (tx) => {
    const now = new Date();
    const token = await lockToken(tx, frontdoor.id, tokenId);
    const status = tokenStatus(token, now);
    if (status !== "pending_approval") throw new AppError("token_not_pending", `Token ${tokenId} is ${status.replace("_", " ")}, not waiting for approval.`);
    if (answer.contentVersion !== undefined && answer.contentVersion !== token.contentVersion) {
      throw new AppError("conflict", `Token ${tokenId} was changed since you saw it: what its certificate will say is now version ${token.contentVersion}, not ${answer.contentVersion}. Look at it again, then answer.`);
    }
    const answers = await tx.tokenApproval.findMany({ where: { tokenId }, select: { userId: true } });
    assertMayAnswer(principal, frontdoor.id, { authorIds: token.authorIds, answeredBy: answers.map((a) => a.userId) });

    await tx.tokenApproval.create({ data: { tokenId, userId: principal.userId, userEmail: principal.email, decision: answer.decision, comment: answer.comment, createdAt: now } });
    const count = token.approvalCount + (answer.decision === "approve" ? 1 : 0);
    const isApproved = answer.decision === "approve" && count >= token.approvalsRequired;
    await tx.certificateRequestToken.update({
      where: { id: tokenId },
      data: { approvalCount: count, updatedAt: now, ...(answer.decision === "reject" ? { rejectedAt: now } : {}), ...(isApproved ? { approvedAt: now } : {}) },
    });
    const action = answer.decision === "reject" ? "token.rejected" : isApproved ? "token.approved" : "token.approval_given";
    await recordAudit(tx, principal, {
      action,
      frontdoorId: frontdoor.id,
      targetKind: "token",
      targetId: tokenId,
      details: { decision: answer.decision, ...(answer.comment ? { comment: answer.comment } : {}), approvals: count, approvalsRequired: token.approvalsRequired },
    });
    const row = await tx.certificateRequestToken.findUniqueOrThrow({ where: { id: tokenId }, select: tokenViewSelect });
    return toTokenView(row, now);
  });
}

/** How a token's answers are read: oldest first, with what ApprovalAnswer shows (and who, for the page's rule). */
export const answersSelect = { orderBy: [{ createdAt: "asc" as const }, { id: "asc" as const }], select: { userId: true, userEmail: true, createdAt: true, decision: true, comment: true } };

/** A TokenApproval row as the views show it. */
export const toAnswer = (r: { userEmail: string; createdAt: Date; decision: string; comment: string | null }): ApprovalAnswer => ({ by: r.userEmail, at: r.createdAt, decision: r.decision as ApprovalDecision, comment: r.comment });

/** A token's answers, oldest first (who, when, decision, comment). */
export async function approvalsOf(tokenId: string): Promise<ApprovalAnswer[]> {
  return (await getDb().tokenApproval.findMany({ where: { tokenId }, ...answersSelect })).map(toAnswer);
}
