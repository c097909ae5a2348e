import type { Metadata } from "next";
import Link from "next/link";
import { StatusBadge } from "@/components/console/status-badge";
import { RedeemToolBlock } from "@/components/console/redeem-tool-block";
import { Timeline } from "@/components/console/timeline";
import { Card, PageHeader } from "@/components/ui/card";
import { DetailItem } from "@/components/ui/detail-item";
import { SubjectAltNameItems } from "@/components/console/subject-alt-name-items";
import { requireUser } from "@/lib/auth/session";
import { orNotFound } from "@/lib/console/or-not-found";
import { timelineOf } from "@/lib/domain/audit/log";
import { canOperateFrontdoor } from "@/lib/domain/access/permissions";
import { findToken } from "@/lib/domain/tokens";
import { isMailConfigured } from "@/lib/email/mailer";
import { linkOrigin } from "@/lib/console/origin";
import { redeemTool } from "@/lib/tools/redeem-tool";
import { TokenApprovals } from "../../approvals/token-approvals";
import { TokenActions } from "../token-actions";
import { RotateToken } from "./rotate-token";

export const metadata: Metadata = { title: "Token" };

export default async function TokenPage({ params }: { params: Promise<{ tokenId: string }> }) {
  const user = await requireUser();
  const { tokenId } = await params;
  const token = await orNotFound(findToken(user, decodeURIComponent(tokenId)));
  const events = await timelineOf(user, token.frontdoorId, [token.id, ...(token.clientCertificateId ? [token.clientCertificateId] : [])]);
  const [origin, tool] = [await linkOrigin(), await redeemTool()];
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
            <DetailItem label="Status"><span data-testid="token-status"><StatusBadge status={token.status} /></span></DetailItem>
            <DetailItem label="Common name">{token.commonName}</DetailItem>
            <DetailItem label="Organization">{token.organization}</DetailItem>
            <DetailItem label="Organizational unit">{token.organizationalUnit}</DetailItem>
            <SubjectAltNameItems sans={token.subjectAltNames} />
            <DetailItem label="Token">{<span className="font-mono">{token.tokenHint}</span>}</DetailItem>
            <DetailItem label="Link sent to">
              {token.recipientEmail ? `${token.recipientEmail}${isMailConfigured() ? "" : " (email is not set up: pass the link on by hand)"}` : null}
            </DetailItem>
            <DetailItem label="Certificate validity">{token.validDays} days</DetailItem>
            <DetailItem label="Created">{token.createdAt.toISOString()} by {token.createdBy ?? "the system"}</DetailItem>
            <DetailItem label="Expires">{token.expiresAt.toISOString()}</DetailItem>
            <DetailItem label="Redeemed">{token.redeemedAt?.toISOString()}</DetailItem>
            {token.revokedAt ? <DetailItem label="Revoked">{token.revokedAt.toISOString()} by {token.revokedBy ?? "the system"}</DetailItem> : null}
            <DetailItem label="Certificate">
              {token.clientCertificateId ? (
                <Link className="underline" href={`/certificates/${token.clientCertificateId}`}>{token.clientCertificateId}</Link>
              ) : null}
            </DetailItem>
          </dl>
          {token.status === "active" && canOperateFrontdoor(user, token.frontdoorId) ? (
            <div className="mt-4 space-y-3">
              <TokenActions frontdoorId={token.frontdoorId} tokenId={token.id} name={token.name} />
              <RotateToken frontdoorId={token.frontdoorId} tokenId={token.id} name={token.name} recipientEmail={token.recipientEmail} origin={origin} toolSha256={tool?.sha256} />
            </div>
          ) : null}
        </Card>
        <TokenApprovals user={user} token={token} />
        {token.status === "active" && tool ? (
          <Card>
            <h2 className="mb-3 font-semibold">Redeeming on a system</h2>
            <RedeemToolBlock origin={origin} frontdoorId={token.frontdoorId} sha256={tool.sha256} />
          </Card>
        ) : null}
        <Card>
          <h2 className="mb-3 font-semibold">Timeline</h2>
          <Timeline events={events} />
        </Card>
      </div>
    </>
  );
}
