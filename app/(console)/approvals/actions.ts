"use server";

import { revalidatePath } from "next/cache";
import { runAction, textArg } from "@/lib/console/action";
import { answerToken } from "@/lib/domain/tokens";
import { answerTokens } from "@/lib/domain/tokens/approval-queue";
import { type ApprovalAnswerInput, approvalAnswerSchema } from "@/lib/validation/approvals";
import { parseInput } from "@/lib/validation/parse";

// The console's answers to tokens waiting for approval: the same domain calls as
// POST …/approvals. Every answer changes the navigation's count, so the whole console
// (its layout included) is revalidated.

/** Approve or reject one token, with an optional comment. */
export async function answerTokenAction(frontdoorId: string, tokenId: string, answer: ApprovalAnswerInput) {
  const result = await runAction((p) => answerToken(p, textArg(frontdoorId), textArg(tokenId), answer));
  if (result.ok) revalidatePath("/", "layout");
  return result;
}

/** The versions the page showed, as whole numbers only (a server action takes any value a caller sends). */
const versionsOf = (raw: unknown): Record<string, number> =>
  raw && typeof raw === "object" ? Object.fromEntries(Object.entries(raw).filter((e): e is [string, number] => Number.isSafeInteger(e[1]) && e[1] > 0)) : {};

/** "Approve all N of this batch": each token answered as one is, refusals reported per token. */
export async function approveBatchAction(frontdoorId: string, tokenIds: string[], comment: string, versions: Record<string, number> = {}) {
  const result = await runAction((p) => {
    // The comment is checked once here, so a bad one is a field error and not N refusals.
    const answer = parseInput(approvalAnswerSchema, { decision: "approve", comment: textArg(comment) });
    return answerTokens(p, textArg(frontdoorId), (Array.isArray(tokenIds) ? tokenIds : []).map(textArg), { decision: answer.decision, comment: answer.comment ?? undefined }, versionsOf(versions));
  });
  if (result.ok) revalidatePath("/", "layout");
  return result;
}
