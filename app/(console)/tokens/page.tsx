import type { Metadata } from "next";
import Link from "next/link";
import { FrontdoorPicker } from "@/components/console/frontdoor-picker";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { frontdoorChoice } from "@/lib/console/frontdoor-choice";
import { canOperateFrontdoor } from "@/lib/domain/access/permissions";
import { TokensTable } from "./tokens-table";

export const metadata: Metadata = { title: "Tokens" };

export default async function TokensPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const params = await searchParams;
  const { frontdoors, current, isUnknown } = await frontdoorChoice(user, params.frontdoor);
  if (isUnknown) {
    return (
      <>
        <PageHeader title="Tokens" />
        <p role="alert" className="text-sm">That Frontdoor does not exist, or you are not a member of it.</p>
      </>
    );
  }
  if (!current) return <EmptyState title="No Frontdoors">You are not a member of any Frontdoor yet.</EmptyState>;
  const canOperate = canOperateFrontdoor(user, current.id);
  return (
    <>
      <PageHeader
        title="Tokens"
        description="Single-use, expiring certificate request tokens."
        actions={
          canOperate ? (
            current.tcpSharesEnabled ? (
              <div className="flex gap-2">
                <Link href={`/tokens/import?frontdoor=${current.id}`} className="inline-flex items-center rounded-md border border-zinc-300 px-3 py-2 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800">
                  Import CSV
                </Link>
                <Link href={`/tokens/new?frontdoor=${current.id}`} className="inline-flex items-center rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500">
                  Create token
                </Link>
              </div>
            ) : (
              <span className="text-sm text-amber-800 dark:text-amber-300">TCP shares are off on {current.name}: enable them to create tokens.</span>
            )
          ) : null
        }
      />
      <div className="mb-4">
        <FrontdoorPicker frontdoors={frontdoors} current={current.id} />
      </div>
      <TokensTable frontdoorId={current.id} canOperate={canOperate} initialStatus={typeof params.status === "string" ? params.status : ""} />
    </>
  );
}
