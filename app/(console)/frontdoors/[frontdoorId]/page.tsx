import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { DetailItem } from "@/components/ui/detail-item";
import { requireUser } from "@/lib/auth/session";
import { gatewayConfig } from "@/lib/console/gateway-config";
import { orNotFound } from "@/lib/console/or-not-found";
import { listFrontdoorCas } from "@/lib/domain/ca/trust";
import { getFrontdoor } from "@/lib/domain/frontdoors";
import { canAdminister } from "@/lib/domain/access/permissions";
import { linkOrigin } from "@/lib/console/origin";
import { certificatePointerBase, type PointerSource } from "@/lib/runtime/public-url";
import { pendingIssuingCa } from "@/lib/domain/ca/enterprise";
import { ApprovalsForm } from "./approvals-form";
import { EnterpriseRoot } from "./enterprise-root";
import { IssuingCas } from "./issuing-cas";
import { ProfileForm } from "./profile-form";
import { ScepSection } from "./scep-section";

export const metadata: Metadata = { title: "Frontdoor" };

const POINTER_SOURCE: Record<PointerSource, (url: string) => string> = {
  PUBLIC_URL: (url) => `Certificates name ${url}: PUBLIC_URL.`,
  launcher: (url) => `Certificates name ${url}, the address Certdoor chose when it started (PUBLIC_URL is not set). Set PUBLIC_URL to the address relying parties should use: certificates keep the address they were issued with.`,
  default: (url) => `Certificates name ${url}, the default (PUBLIC_URL is not set), which only this machine can open. Set PUBLIC_URL to the address relying parties should use.`,
};

function Snippet({ title, text, testId }: { title: string; text: string; testId: string }) {
  return (
    <Card>
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 className="font-semibold">{title}</h2>
        <CopyButton text={text} />
      </div>
      <pre data-testid={testId} tabIndex={0} aria-label={`${title} configuration`} className="overflow-x-auto rounded bg-zinc-50 p-3 text-xs dark:bg-zinc-950">{text}</pre>
    </Card>
  );
}

/** One Frontdoor: where gateways check its certificates, and how to configure them to. */
export default async function FrontdoorPage({ params }: { params: Promise<{ frontdoorId: string }> }) {
  const user = await requireUser();
  const { frontdoorId } = await params;
  const f = await orNotFound(getFrontdoor(user, decodeURIComponent(frontdoorId)));
  const origin = await linkOrigin();
  // What certificates name comes from configuration, never from the address this page is open at.
  const pointers = certificatePointerBase();
  const config = gatewayConfig(pointers.url, f);
  const cas = await listFrontdoorCas(user, f.id);
  const isAdmin = canAdminister(user);
  // Administrators only: the pending request belongs to the CA steps only they may take.
  const pending = isAdmin ? await pendingIssuingCa(user, f.id) : null;
  const address = (label: string, url: string, testId: string) => (
    <DetailItem label={label}>
      <span className="font-mono text-xs" data-testid={testId}>{url}</span>
    </DetailItem>
  );
  return (
    <>
      <PageHeader title={f.name} description={<span className="font-mono text-xs">{f.id}</span>} />
      <div className="grid gap-6 xl:grid-cols-2">
        <Card>
          <h2 className="mb-2 font-semibold">Frontdoor</h2>
          <dl className="divide-y divide-zinc-200 dark:divide-zinc-800">
            <DetailItem label="TCP shares"><Badge tone={f.tcpSharesEnabled ? "green" : "amber"}>{f.tcpSharesEnabled ? "enabled" : "disabled"}</Badge></DetailItem>
            <DetailItem label="Renewal">{f.renewalWindowDays === 0 ? "off" : `in the last ${f.renewalWindowDays} days of a certificate's life`}</DetailItem>
          </dl>
        </Card>
        <Card>
          <h2 className="mb-2 font-semibold">Revocation and issuer addresses</h2>
          <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">Certificates of the Frontdoor&apos;s first issuing CA name these (CRL Distribution Points and Authority Information Access); a CA made by rotation has its own CRL and CA addresses, under Issuing CAs. The PEM CRLs and the CA chain cover every CA in use.</p>
          <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400" data-testid="pointer-source">{POINTER_SOURCE[pointers.source](pointers.url)}</p>
          <dl className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {address("CRL (DER)", config.crl, "address-crl")}
            {address("CRLs (PEM, with the root's)", config.crlPem, "address-crl-pem")}
            {address("OCSP", config.ocsp, "address-ocsp")}
            {address("CA issuers (DER)", config.caIssuers, "address-ca-issuers")}
            {address("CA chain (PEM)", config.caChainPem, "address-ca-chain")}
          </dl>
        </Card>
        <ProfileForm frontdoorId={f.id} profile={f.profile} namePolicy={f.namePolicy} canEdit={isAdmin} />
        <ApprovalsForm frontdoorId={f.id} required={f.approvals.required} canEdit={isAdmin} />
        <IssuingCas frontdoor={f} cas={cas} origin={origin} pointerOrigin={pointers.url} canRotate={isAdmin} />
        {isAdmin ? <EnterpriseRoot frontdoorId={f.id} name={f.name} pending={pending} /> : null}
        <ScepSection frontdoorId={f.id} origin={origin} intune={f.scep.intune} canEdit={isAdmin} />
        <Snippet title="Fetch and refresh" text={config.crlRefresh} testId="snippet-refresh" />
        <Snippet title="nginx" text={config.nginx} testId="snippet-nginx" />
        <Snippet title="Envoy" text={config.envoy} testId="snippet-envoy" />
      </div>
    </>
  );
}
