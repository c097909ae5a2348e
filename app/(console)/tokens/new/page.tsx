import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { frontdoorChoice } from "@/lib/console/frontdoor-choice";
import { canOperateFrontdoor } from "@/lib/domain/access/permissions";
import { isMailConfigured } from "@/lib/email/mailer";
import { linkOrigin } from "@/lib/console/origin";
import { redeemTool } from "@/lib/tools/redeem-tool";
import { CreateTokenForm } from "./create-token-form";

export const metadata: Metadata = { title: "Create token" };

export default async function NewTokenPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const { current } = await frontdoorChoice(user, (await searchParams).frontdoor);
  if (!current || !canOperateFrontdoor(user, current.id)) {
    return (
      <>
        <PageHeader title="Create token" />
        <p role="alert" className="text-sm">You cannot create tokens on this Frontdoor.</p>
      </>
    );
  }
  return (
    <>
      <PageHeader title="Create token" description="The token carries the certificate's subject; whoever redeems it brings only their key." />
      {current.tcpSharesEnabled ? (
        <CreateTokenForm frontdoorId={current.id} frontdoorName={current.name} origin={await linkOrigin()} canEmail={isMailConfigured()} toolSha256={(await redeemTool())?.sha256} namePolicy={current.namePolicy} maxValidDays={current.profile.maxValidDays} />
      ) : (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          TCP shares are disabled on {current.name}, so no token can be created or redeemed there. An administrator can switch them on under Frontdoors.
        </p>
      )}
    </>
  );
}
