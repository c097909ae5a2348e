import type { Metadata } from "next";
import Link from "next/link";
import { StatusBadge } from "@/components/console/status-badge";
import { Card, PageHeader } from "@/components/ui/card";
import { DetailItem } from "@/components/ui/detail-item";
import { SubjectAltNameItems } from "@/components/console/subject-alt-name-items";
import { CopyButton } from "@/components/ui/copy-button";
import { requireUser } from "@/lib/auth/session";
import { orNotFound } from "@/lib/console/or-not-found";
import { findCertificate } from "@/lib/domain/certificates";
import { canOperateFrontdoor } from "@/lib/domain/access/permissions";
import { RevokeCertificate } from "./revoke-certificate";

export const metadata: Metadata = { title: "Certificate" };

export default async function CertificatePage({ params }: { params: Promise<{ certId: string }> }) {
  const user = await requireUser();
  const { certId } = await params;
  const c = await orNotFound(findCertificate(user, decodeURIComponent(certId)));
  const pemHref = `data:application/x-pem-file;charset=utf-8,${encodeURIComponent(c.certificate)}`;
  return (
    <>
      <PageHeader title={c.commonName} description={<span className="font-mono text-xs">{c.id}</span>} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <dl className="divide-y divide-zinc-200 dark:divide-zinc-800">
            <DetailItem label="Status"><span data-testid="certificate-status"><StatusBadge status={c.status} /></span></DetailItem>
            <DetailItem label="Subject">{["CN=" + c.commonName, c.organizationalUnit && "OU=" + c.organizationalUnit, c.organization && "O=" + c.organization].filter(Boolean).join(", ")}</DetailItem>
            <SubjectAltNameItems sans={c.subjectAltNames} />
            <DetailItem label="Serial"><span className="font-mono">{c.serialNumber}</span></DetailItem>
            <DetailItem label="SHA-256"><span className="font-mono text-xs">{c.fingerprintSha256}</span></DetailItem>
            <DetailItem label="Key">{c.keyAlgorithm}</DetailItem>
            <DetailItem label="Valid">{c.notBefore.toISOString()} – {c.notAfter.toISOString()}</DetailItem>
            <DetailItem label="From token">{c.tokenId ? <Link className="underline" href={`/tokens/${c.tokenId}`}>{c.name}</Link> : c.name}</DetailItem>
            {c.renewedFromId ? <DetailItem label="Renews"><Link className="font-mono text-xs underline" href={`/certificates/${c.renewedFromId}`}>{c.renewedFromId}</Link></DetailItem> : null}
            {c.renewedById ? <DetailItem label="Renewed by"><Link className="font-mono text-xs underline" href={`/certificates/${c.renewedById}`}>{c.renewedById}</Link></DetailItem> : null}
            {c.revokedAt ? <DetailItem label="Revoked">{c.revokedAt.toISOString()} ({c.revocationReason}) by {c.revokedBy ?? "the system"}</DetailItem> : null}
          </dl>
          {c.status !== "revoked" && canOperateFrontdoor(user, c.frontdoorId) ? (
            <div className="mt-4">
              <RevokeCertificate frontdoorId={c.frontdoorId} certificateId={c.id} commonName={c.commonName} />
            </div>
          ) : null}
        </Card>
        <Card>
          <h2 className="mb-2 font-semibold">Certificate (PEM)</h2>
          <pre className="max-h-80 overflow-auto rounded bg-zinc-900 p-3 text-xs text-zinc-100"><code>{c.certificate}</code></pre>
          <div className="mt-3 flex gap-2">
            <CopyButton text={c.certificate} label="Copy PEM" />
            <a className="inline-flex items-center rounded-md border border-zinc-300 px-3 py-2 text-sm font-medium dark:border-zinc-700" href={pemHref} download={`${c.commonName}.pem`}>Download</a>
          </div>
        </Card>
      </div>
    </>
  );
}
