import Link from "next/link";
import { StatusBadge } from "@/components/console/status-badge";
import { Card } from "@/components/ui/card";
import { DetailItem } from "@/components/ui/detail-item";
import { RelativeTime } from "@/components/ui/relative-time";
import type { PendingApproval } from "@/lib/domain/tokens/approval-queue";
import { ApprovalPanel } from "./approval-panel";
import { CertificateToBe } from "./certificate-to-be";

const utc = (date: Date) => `${date.toISOString().replace("T", " ").slice(0, 16)} UTC`;

/** One token waiting for approval: its certificate-to-be, who asked and when, and the answers. */
export function PendingToken({ item }: { item: PendingApproval }) {
  const { token } = item;
  return (
    <Card>
      <article aria-label={`Token ${token.name}`} data-testid="pending-token" data-token-id={token.id}>
        <header className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h3 className="font-semibold">
            <Link className="underline" href={`/tokens/${token.id}`}>{token.name}</Link>
            <span className="ml-2 text-sm font-normal text-zinc-500 dark:text-zinc-400">on {item.frontdoor.name}</span>
          </h3>
          <StatusBadge status={token.status} />
        </header>
        <div className="grid gap-6 lg:grid-cols-2">
          <section aria-label="The certificate will carry">
            <h4 className="mb-1 text-sm font-medium">The certificate will carry</h4>
            <CertificateToBe token={token} profile={item.profile} />
          </section>
          <section aria-label="Request" className="space-y-3">
            <h4 className="mb-1 text-sm font-medium">Request</h4>
            <dl className="divide-y divide-zinc-200 dark:divide-zinc-800">
              <DetailItem label="Asked by">{token.createdBy ?? "the system"}, {utc(token.createdAt)}</DetailItem>
              <DetailItem label="Token expires">{utc(token.expiresAt)} (<RelativeTime value={token.expiresAt} />)</DetailItem>
              <DetailItem label="Link sent to">{token.recipientEmail}</DetailItem>
            </dl>
            <ApprovalPanel token={token} answers={item.answers} cannotAnswer={item.cannotAnswer} />
          </section>
        </div>
      </article>
    </Card>
  );
}
