import type { ApprovalAnswer, TokenStatus } from "@/lib/domain/tokens";
import { AnswerForm } from "./answer-form";
import { AnswersList } from "./answers-list";

type Props = {
  token: { id: string; frontdoorId: string; name: string; status: TokenStatus; approvalsRequired: number; approvalCount: number; contentVersion: number };
  answers: ApprovalAnswer[];
  /** Null when the caller may answer; otherwise why not (shown instead of the buttons). */
  cannotAnswer: string | null;
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Where a token stands with its approvals, its answers, and the caller's own answer or why they cannot give one. */
export function ApprovalPanel({ token, answers, cannotAnswer }: Props) {
  const more = Math.max(0, token.approvalsRequired - token.approvalCount);
  const standing =
    token.status === "pending_approval"
      ? `waiting for ${plural(more, "more approval", "more approvals")}`
      : token.status === "rejected"
        ? "rejected: it can never be redeemed"
        : token.approvalCount >= token.approvalsRequired
          ? "approved"
          : token.status;
  return (
    <div className="space-y-3">
      <p className="text-sm" data-testid="approval-progress">
        {token.approvalCount} of {plural(token.approvalsRequired, "approval", "approvals")} given; {standing}.
      </p>
      <AnswersList answers={answers} />
      {token.status === "pending_approval" ? (
        cannotAnswer ? (
          <p className="rounded-md bg-zinc-50 p-3 text-sm text-zinc-700 dark:bg-zinc-950 dark:text-zinc-300" data-testid="cannot-answer">{cannotAnswer}</p>
        ) : (
          <AnswerForm frontdoorId={token.frontdoorId} tokenId={token.id} name={token.name} contentVersion={token.contentVersion} />
        )
      ) : null}
    </div>
  );
}
