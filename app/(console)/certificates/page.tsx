import type { Metadata } from "next";
import { FrontdoorPicker } from "@/components/console/frontdoor-picker";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { frontdoorChoice } from "@/lib/console/frontdoor-choice";
import { CertificatesTable } from "./certificates-table";

export const metadata: Metadata = { title: "Certificates" };

export default async function CertificatesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const params = await searchParams;
  const { frontdoors, current, isUnknown } = await frontdoorChoice(user, params.frontdoor);
  const initial = (name: string) => (typeof params[name] === "string" ? params[name] : "");
  if (isUnknown) return <p role="alert" className="text-sm">That Frontdoor does not exist, or you are not a member of it.</p>;
  if (!current) return <EmptyState title="No Frontdoors">You are not a member of any Frontdoor yet.</EmptyState>;
  return (
    <>
      <PageHeader title="Certificates" description="Client certificates issued from redeemed tokens." />
      <div className="mb-4 flex flex-wrap items-center gap-4">
        <FrontdoorPicker frontdoors={frontdoors} current={current.id} />
        <a className="text-sm underline" href={`/frontdoor/${current.id}/ca.pem`} download={`${current.name}-ca.pem`}>CA chain</a>
        <a className="text-sm underline" href={`/frontdoor/${current.id}/crl?format=pem`} download={`${current.name}-crl.pem`}>CRL</a>
      </div>
      <CertificatesTable frontdoorId={current.id} initial={{ status: initial("status"), expiringWithin: initial("expiring"), renewed: initial("renewed") }} />
    </>
  );
}
