import { Badge } from "@/components/ui/badge";
import type { ApprovalAnswer } from "@/lib/domain/tokens";

/** A token's answers so far: who, when, what, and their comment. */
export function AnswersList({ answers }: { answers: ApprovalAnswer[] }) {
  if (answers.length === 0) return <p className="text-sm text-zinc-500 dark:text-zinc-400">No answers yet.</p>;
  return (
    <ul aria-label="Answers" className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
      {answers.map((answer) => (
        <li key={`${answer.by}-${answer.at.toISOString()}`} data-testid="approval-answer" className="py-2">
          <Badge tone={answer.decision === "approve" ? "green" : "red"}>{answer.decision === "approve" ? "approved" : "rejected"}</Badge>{" "}
          by <span className="font-medium">{answer.by}</span>{" "}
          <time className="font-mono text-xs text-zinc-500 dark:text-zinc-400" dateTime={answer.at.toISOString()}>{answer.at.toISOString().replace("T", " ").slice(0, 16)} UTC</time>
          {answer.comment ? <p className="mt-1 whitespace-pre-wrap text-zinc-700 dark:text-zinc-300" data-testid="approval-comment">“{answer.comment}”</p> : null}
        </li>
      ))}
    </ul>
  );
}
