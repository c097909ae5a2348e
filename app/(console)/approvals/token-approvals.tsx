import { Card } from "@/components/ui/card";
import type { UserPrincipal } from "@/lib/domain/access/principal";
import type { TokenDetail } from "@/lib/domain/tokens";
import { whyCannotAnswer } from "@/lib/domain/tokens/approval-queue";
import { ApprovalPanel } from "./approval-panel";

/** The token page's Approvals card: how many it needs, its answers, and an answer when the caller may give one. */
export async function TokenApprovals({ user, token }: { user: UserPrincipal; token: TokenDetail }) {
  if (token.approvalsRequired === 0) return null;
  const cannotAnswer = token.status === "pending_approval" ? await whyCannotAnswer(user, token.frontdoorId, token.id) : null;
  return (
    <Card>
      <h2 className="mb-1 font-semibold">Approvals</h2>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
        This token needs {token.approvalsRequired} approval{token.approvalsRequired === 1 ? "" : "s"} by people other than its creator before it can be redeemed (the Frontdoor&apos;s policy when it was made).
      </p>
      <ApprovalPanel token={token} answers={token.approvals} cannotAnswer={cannotAnswer} />
    </Card>
  );
}
