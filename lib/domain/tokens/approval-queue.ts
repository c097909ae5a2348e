import { getDb } from "@/lib/db";
import { canReadEverything } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import { frontdoorFor } from "@/lib/domain/access/scope";
import { AppError, isAppError } from "@/lib/domain/errors";
import { rulesOf } from "@/lib/domain/names/enforce";
import { answerRefusal, answersSelect, answerToken, type ApprovalAnswer, toAnswer } from "@/lib/domain/tokens/approvals";
import { statusWhere } from "@/lib/domain/tokens/status";
import { type TokenView, toTokenView, tokenViewSelect } from "@/lib/domain/tokens/view";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ApprovalAnswerInput } from "@/lib/validation/approvals";
import type { FrontdoorProfile } from "@/lib/validation/frontdoors";

// The Approvals page's data: every token waiting for approval that the caller may see, with
// exactly what its certificate will carry (the token's subject, SANs and lifetime, and the
// Frontdoor's profile, which shapes every certificate it issues), who asked, the answers so
// far, and whether the caller may answer it.

export type PendingApproval = {
  token: TokenView;
  frontdoor: { id: string; name: string };
  profile: FrontdoorProfile;
  batchId: string | null;
  answers: ApprovalAnswer[];
  /** Null when the caller may answer; otherwise why not (their own token, answered already, their role). */
  cannotAnswer: string | null;
};

export const APPROVAL_QUEUE_LIMIT = 500;

/** Frontdoors whose pending tokens the caller sees (null: every one). */
function visibleScope(principal: Principal): Prisma.CertificateRequestTokenWhereInput {
  if (canReadEverything(principal)) return {};
  return { frontdoorId: { in: principal.kind === "user" ? [...principal.frontdoorIds] : [] } };
}

/** The refusal answerToken would give, as the page's text (lib/domain/tokens/approvals.ts answerRefusal). */
const whyNot = (principal: Principal, frontdoorId: string, authorIds: string[], answers: { userId: string | null }[]): string | null =>
  answerRefusal(principal, frontdoorId, { authorIds, answeredBy: answers.map((a) => a.userId) })?.message ?? null;

/** Tokens waiting for approval, the soonest to expire first (at most APPROVAL_QUEUE_LIMIT). */
export async function listPendingApprovals(principal: Principal, options: { frontdoorId?: string } = {}, now = new Date()): Promise<PendingApproval[]> {
  const rows = await getDb().certificateRequestToken.findMany({
    where: { AND: [visibleScope(principal), options.frontdoorId ? { frontdoorId: options.frontdoorId } : {}, statusWhere("pending_approval", now)] },
    orderBy: [{ expiresAt: "asc" }, { id: "asc" }],
    take: APPROVAL_QUEUE_LIMIT,
    select: {
      ...tokenViewSelect,
      batchId: true,
      authorIds: true,
      frontdoor: { select: { id: true, name: true, profile: true, namePolicy: true } },
      approvals: answersSelect,
    },
  });
  return rows.map(({ batchId, authorIds, frontdoor, approvals, ...row }) => ({
    token: toTokenView(row, now),
    frontdoor: { id: frontdoor.id, name: frontdoor.name },
    profile: rulesOf(frontdoor).profile,
    batchId,
    answers: approvals.map(toAnswer),
    cannotAnswer: whyNot(principal, frontdoor.id, authorIds, approvals),
  }));
}

/** Why the caller cannot answer this token (null: they may), as the Approvals page says it; for the token's own page. */
export async function whyCannotAnswer(principal: Principal, frontdoorId: string, tokenId: string): Promise<string | null> {
  const frontdoor = await frontdoorFor(principal, frontdoorId, "read");
  const row = await getDb().certificateRequestToken.findFirst({ where: { id: tokenId, frontdoorId: frontdoor.id }, select: { authorIds: true, approvals: { select: { userId: true } } } });
  if (!row) throw new AppError("token_not_found", `No token ${tokenId} on this Frontdoor.`);
  return whyNot(principal, frontdoor.id, row.authorIds, row.approvals);
}

/** How many pending tokens the caller may answer now (the navigation's count). */
export async function countApprovalsForMe(principal: Principal, now = new Date()): Promise<number> {
  if (principal.kind !== "user" || principal.role === "auditor") return 0;
  return getDb().certificateRequestToken.count({
    where: {
      ...(principal.role === "admin" ? {} : { frontdoorId: { in: [...principal.frontdoorIds] } }),
      ...statusWhere("pending_approval", now),
      NOT: { authorIds: { has: principal.userId } },
      approvals: { none: { userId: principal.userId } },
    },
  });
}

export type BulkAnswer = { answered: string[]; refused: { tokenId: string; code: string; detail: string }[] };

/**
 * The same answer to many tokens of one Frontdoor (a batch approved at once), each to the
 * content version the approver was shown (`versions`, by token id): each is answered as
 * answerToken answers one, in its own transaction, so one refusal (a token
 * answered meanwhile, the caller's own) stops nothing else and is reported.
 */
export async function answerTokens(principal: Principal, frontdoorId: string, tokenIds: string[], answer: ApprovalAnswerInput, versions: Record<string, number> = {}): Promise<BulkAnswer> {
  const result: BulkAnswer = { answered: [], refused: [] };
  for (const tokenId of [...new Set(tokenIds)].slice(0, APPROVAL_QUEUE_LIMIT)) {
    try {
      await answerToken(principal, frontdoorId, tokenId, { ...answer, contentVersion: versions[tokenId] ?? answer.contentVersion });
      result.answered.push(tokenId);
    } catch (error) {
      if (!isAppError(error)) throw error;
      result.refused.push({ tokenId, code: error.code, detail: error.message });
    }
  }
  return result;
}
