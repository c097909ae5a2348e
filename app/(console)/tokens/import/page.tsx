import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { frontdoorChoice } from "@/lib/console/frontdoor-choice";
import { canOperateFrontdoor } from "@/lib/domain/access/permissions";
import { isMailConfigured } from "@/lib/email/mailer";
import { ImportTokens } from "./import-tokens";

export const metadata: Metadata = { title: "Import tokens" };

export default async function ImportTokensPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const { current } = await frontdoorChoice(user, (await searchParams).frontdoor);
  const header = <PageHeader title="Import tokens from CSV" description="Up to 1,000 tokens at once, all or nothing: one per row, each with its own link." />;
  if (!current || !canOperateFrontdoor(user, current.id) || !current.tcpSharesEnabled) {
    return (
      <>
        {header}
        <p role="alert" className="text-sm">
          {current && !current.tcpSharesEnabled ? `TCP shares are disabled on ${current.name}, so no token can be created there.` : "You cannot create tokens on this Frontdoor."}
        </p>
      </>
    );
  }
  return (
    <>
      {header}
      <ImportTokens frontdoorId={current.id} frontdoorName={current.name} canEmail={isMailConfigured()} />
    </>
  );
}
