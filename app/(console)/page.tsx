import type { Metadata } from "next";
import Link from "next/link";
import { ActivityChart } from "@/components/console/activity-chart";
import { FrontdoorPicker } from "@/components/console/frontdoor-picker";
import { Card, PageHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { recentAuditEvents } from "@/lib/domain/audit/log";
import { dashboardStats } from "@/lib/domain/dashboard";
import { listFrontdoors } from "@/lib/domain/frontdoors";
import { forwardedLoopbackWarning } from "@/lib/domain/system/proxy-warning";
import { canReadEverything } from "@/lib/domain/access/permissions";

export const metadata: Metadata = { title: "Dashboard" };

function Stat({ label, value, href, testId }: { label: string; value: number; href: string; testId: string }) {
  return (
    <Link href={href} className="block rounded-lg border border-zinc-200 bg-white p-4 hover:border-indigo-400 dark:border-zinc-800 dark:bg-zinc-900">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">{label}</p>
      <p className="mt-1 text-2xl font-semibold" data-testid={testId}>{value}</p>
    </Link>
  );
}

export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const frontdoors = await listFrontdoors(user);
  const requested = (await searchParams).frontdoor;
  const allowAll = canReadEverything(user) || frontdoors.length > 1;
  const current = frontdoors.find((f) => f.id === requested) ?? (allowAll ? null : (frontdoors[0] ?? null));
  const [stats, events, proxied] = await Promise.all([
    dashboardStats(user, current?.id),
    recentAuditEvents(user, { frontdoorId: current?.id, take: 10 }),
    user.role === "admin" ? forwardedLoopbackWarning() : null,
  ]);
  const disabled = (current ? [current] : frontdoors).filter((f) => !f.tcpSharesEnabled);
  const tokensHref = (status: string) => `/tokens?${new URLSearchParams({ ...(current ? { frontdoor: current.id } : {}), status })}`;
  const certificatesHref = (filter: Record<string, string>) => `/certificates?${new URLSearchParams({ ...(current ? { frontdoor: current.id } : {}), ...filter })}`;
  const names = new Map(frontdoors.map((f) => [f.id, f.name]));
  return (
    <>
      <PageHeader title="Dashboard" description={`Signed in as ${user.email} (${user.role}).`} />
      <div className="mb-6">
        <FrontdoorPicker frontdoors={frontdoors} current={current?.id ?? null} allowAll={allowAll} />
      </div>
      {proxied ? (
        <div role="alert" data-testid="proxy-warning" className="mb-6 rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
          Requests from this machine (127.0.0.1) carry <code>{proxied.header}</code> (last {proxied.seenAt.toISOString()}), but <code>TRUST_PROXY_HOPS</code> is 0: every client behind that
          proxy looks like 127.0.0.1, so they share one rate limit and the audit log cannot tell them apart. Set <code>TRUST_PROXY_HOPS</code> to the number of proxies in front.
        </div>
      ) : null}
      {disabled.length > 0 ? (
        <div role="status" className="mb-6 rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
          TCP shares are disabled on {disabled.map((f) => f.name).join(", ")}: no token can be created or redeemed there until they are switched on under{" "}
          <Link className="underline" href="/frontdoors">Frontdoors</Link>.
        </div>
      ) : null}
      <section aria-label="Token counts" className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-5">
        <Stat label="Active tokens" value={stats.tokens.active} href={tokensHref("active")} testId="stat-active" />
        <Stat label="Expiring within 24 h" value={stats.tokens.expiringSoon} href={tokensHref("active")} testId="stat-expiring" />
        <Stat label="Pending approval" value={stats.tokens.pending_approval} href={tokensHref("pending_approval")} testId="stat-pending-approval" />
        <Stat label="Redeemed" value={stats.tokens.redeemed} href={tokensHref("redeemed")} testId="stat-redeemed" />
        <Stat label="Expired" value={stats.tokens.expired} href={tokensHref("expired")} testId="stat-expired" />
        <Stat label="Revoked" value={stats.tokens.revoked} href={tokensHref("revoked")} testId="stat-revoked" />
        <Stat label="Rejected" value={stats.tokens.rejected} href={tokensHref("rejected")} testId="stat-rejected" />
        <Stat label="Certificates expiring in 30 days" value={stats.certificatesExpiringSoon} href={certificatesHref({ expiring: "P30D" })} testId="stat-certs-expiring" />
        <Stat label="Renewed in 30 days" value={stats.certificatesRenewed} href={certificatesHref({ renewed: "true" })} testId="stat-certs-renewed" />
      </section>
      <div className="mt-6 grid gap-6 xl:grid-cols-2">
        <Card>
          <h2 className="mb-3 font-semibold">Last 30 days</h2>
          <ActivityChart days={stats.perDay} />
        </Card>
        <Card>
          <h2 className="mb-3 font-semibold">Recent activity</h2>
          {events.length === 0 ? (
            <p className="text-sm text-zinc-500 dark:text-zinc-400">Nothing yet.</p>
          ) : (
            <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800" aria-label="Recent audit events">
              {events.map((e) => (
                <li key={e.id} className="flex flex-wrap justify-between gap-2 py-2">
                  <span>
                    <span className="font-medium">{e.action}</span>
                    {e.frontdoorId ? <span className="text-zinc-500 dark:text-zinc-400"> · {names.get(e.frontdoorId) ?? "another Frontdoor"}</span> : null}
                    <span className="text-zinc-500 dark:text-zinc-400"> · {e.actorLabel ?? e.actorKind}</span>
                  </span>
                  <time className="font-mono text-xs text-zinc-500 dark:text-zinc-400" dateTime={e.at.toISOString()}>{e.at.toISOString().replace("T", " ").slice(0, 16)}</time>
                </li>
              ))}
            </ul>
          )}
          {canReadEverything(user) ? <Link href="/audit" className="mt-3 inline-block text-sm underline">Full audit trail</Link> : null}
        </Card>
      </div>
    </>
  );
}
