import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { StatusBadge } from "@/components/console/status-badge";
import { Timeline } from "@/components/console/timeline";
import { Card, PageHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { timelineOf } from "@/lib/domain/audit-log";
import { isAppError } from "@/lib/domain/errors";
import { canOperateFrontdoor } from "@/lib/domain/permissions";
import { findToken, type TokenView } from "@/lib/domain/tokens";
import { TokenActions } from "../token-actions";

export const metadata: Metadata = { title: "Token" };

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-2 py-2">
      <dt className="text-sm text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="col-span-2 break-words text-sm">{children ?? "—"}</dd>
    </div>
  );
}

export default async function TokenPage({ params }: { params: Promise<{ tokenId: string }> }) {
  const user = await requireUser();
  const { tokenId } = await params;
  let token: TokenView;
  try {
    token = await findToken(user, decodeURIComponent(tokenId));
  } catch (error) {
    if (isAppError(error)) notFound();
    throw error;
  }
  const events = await timelineOf(user, token.frontdoorId, [token.id, ...(token.clientCertificateId ? [token.clientCertificateId] : [])]);
  return (
    <>
      <PageHeader
        title={token.name}
        description={<span className="font-mono text-xs">{token.id}</span>}
        actions={<Link href={`/tokens?frontdoor=${token.frontdoorId}`} className="text-sm underline">All tokens</Link>}
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <dl className="divide-y divide-zinc-200 dark:divide-zinc-800">
            <Item label="Status"><span data-testid="token-status"><StatusBadge status={token.status} /></span></Item>
            <Item label="Common name">{token.commonName}</Item>
            <Item label="Organization">{token.organization}</Item>
            <Item label="Organizational unit">{token.organizationalUnit}</Item>
            <Item label="Token">{<span className="font-mono">{token.tokenHint}</span>}</Item>
            <Item label="Certificate validity">{token.validDays} days</Item>
            <Item label="Created">{token.createdAt.toISOString()} by {token.createdBy ?? "the system"}</Item>
            <Item label="Expires">{token.expiresAt.toISOString()}</Item>
            <Item label="Redeemed">{token.redeemedAt?.toISOString()}</Item>
            {token.revokedAt ? <Item label="Revoked">{token.revokedAt.toISOString()} by {token.revokedBy ?? "the system"}</Item> : null}
            <Item label="Certificate">
              {token.clientCertificateId ? (
                <Link className="underline" href={`/certificates/${token.clientCertificateId}`}>{token.clientCertificateId}</Link>
              ) : null}
            </Item>
          </dl>
          {token.status === "active" && canOperateFrontdoor(user, token.frontdoorId) ? (
            <div className="mt-4">
              <TokenActions frontdoorId={token.frontdoorId} tokenId={token.id} name={token.name} />
            </div>
          ) : null}
        </Card>
        <Card>
          <h2 className="mb-3 font-semibold">Timeline</h2>
          <Timeline events={events} />
        </Card>
      </div>
    </>
  );
}
