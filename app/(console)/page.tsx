import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { listFrontdoors } from "@/lib/domain/frontdoors";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const user = await requireUser();
  const frontdoors = await listFrontdoors(user);
  const disabled = frontdoors.filter((f) => !f.tcpSharesEnabled);
  return (
    <>
      <PageHeader title="Dashboard" description={`Signed in as ${user.email} (${user.role}).`} />
      {disabled.length > 0 ? (
        <div role="status" className="mb-6 rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
          TCP shares are disabled on {disabled.map((f) => f.name).join(", ")}: no token can be created or redeemed there
          until they are switched on under <Link className="underline" href="/frontdoors">Frontdoors</Link>.
        </div>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {frontdoors.map((f) => (
          <Card key={f.id}>
            <div className="flex items-center justify-between gap-2">
              <h2 className="font-semibold">{f.name}</h2>
              <Badge tone={f.tcpSharesEnabled ? "green" : "amber"}>
                {f.tcpSharesEnabled ? "TCP shares on" : "TCP shares off"}
              </Badge>
            </div>
            <p className="mt-2 break-all font-mono text-xs text-zinc-500">{f.id}</p>
          </Card>
        ))}
      </div>
      {frontdoors.length === 0 ? <p className="text-sm text-zinc-600">You are not a member of any Frontdoor yet.</p> : null}
    </>
  );
}
