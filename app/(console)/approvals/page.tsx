import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { APPROVAL_QUEUE_LIMIT, listPendingApprovals, type PendingApproval } from "@/lib/domain/tokens/approval-queue";
import { ApproveBatch } from "./approve-batch";
import { PendingToken } from "./pending-token";

export const metadata: Metadata = { title: "Approvals" };

type Group = { batchId: string | null; items: PendingApproval[] };

/** Tokens of one batch together (where the first of them comes in the queue), every other token alone. */
function grouped(queue: PendingApproval[]): Group[] {
  const groups: Group[] = [];
  const batches = new Map<string, Group>();
  for (const item of queue) {
    const batch = item.batchId ? batches.get(item.batchId) : undefined;
    if (batch) {
      batch.items.push(item);
      continue;
    }
    const group = { batchId: item.batchId, items: [item] };
    if (item.batchId) batches.set(item.batchId, group);
    groups.push(group);
  }
  return groups;
}

function Batch({ group }: { group: Group & { batchId: string } }) {
  const answerable = group.items.filter((item) => item.cannotAnswer === null).map((item) => item.token.id);
  // Each token is approved as this page showed it: one changed since is refused, not approved.
  const versions = Object.fromEntries(group.items.map((item) => [item.token.id, item.token.contentVersion]));
  const frontdoor = group.items[0]!.frontdoor;
  return (
    <section aria-label={`Batch ${group.batchId}`} data-testid="pending-batch" className="space-y-3 rounded-lg border border-dashed border-zinc-300 p-3 dark:border-zinc-700">
      <div className="space-y-2">
        <h2 className="font-semibold">
          A batch of {group.items.length} tokens on {frontdoor.name} <span className="font-mono text-xs font-normal text-zinc-500">{group.batchId}</span>
        </h2>
        {answerable.length > 0 ? (
          <ApproveBatch frontdoorId={frontdoor.id} batchId={group.batchId} tokenIds={answerable} versions={versions} />
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">You cannot answer any token of this batch; each says why below.</p>
        )}
        {answerable.length > 0 && answerable.length < group.items.length ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">{group.items.length - answerable.length} of them you cannot answer; each says why below.</p>
        ) : null}
      </div>
      {group.items.map((item) => <PendingToken key={item.token.id} item={item} />)}
    </section>
  );
}

/** Every token waiting for approval that the caller may see, the soonest to expire first. */
export default async function ApprovalsPage() {
  const user = await requireUser();
  const queue = await listPendingApprovals(user);
  const mine = queue.filter((item) => item.cannotAnswer === null).length;
  return (
    <>
      <PageHeader
        title="Approvals"
        description="Tokens of Frontdoors that require approvals, waiting before they can be redeemed: what each certificate will carry, who asked, and the answers so far."
      />
      {queue.length === 0 ? (
        <EmptyState title="Nothing waits for approval">Tokens of a Frontdoor that requires approvals appear here until enough people approve them.</EmptyState>
      ) : (
        <div className="space-y-4">
          <p role="status" className="text-sm" data-testid="approvals-summary">
            {queue.length} token{queue.length === 1 ? "" : "s"} waiting; {mine} you may answer.
            {queue.length >= APPROVAL_QUEUE_LIMIT ? ` Only the ${APPROVAL_QUEUE_LIMIT} that expire soonest are shown.` : ""}
          </p>
          {grouped(queue).map((group) =>
            group.batchId && group.items.length > 1 ? (
              <Batch key={group.batchId} group={{ ...group, batchId: group.batchId }} />
            ) : (
              <PendingToken key={group.items[0]!.token.id} item={group.items[0]!} />
            ),
          )}
        </div>
      )}
    </>
  );
}
