import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { Button } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/session";
import { listOwnSessions } from "@/lib/domain/access/sessions";
import { env } from "@/lib/env";
import { signOutEverywhereAction } from "../../actions";
import { ChangePasswordForm } from "./change-password-form";
import { OidcLinkCard } from "./oidc-link-card";
import { SecondFactorCard } from "./second-factor-card";

export const metadata: Metadata = { title: "Your account" };

const hours = (ms: number) => (ms % 86_400_000 === 0 ? `${ms / 86_400_000} days` : `${Math.round(ms / 3_600_000)} hours`);

/** The signed-in user's own account: password, second factor, the OIDC link, and where they are signed in. */
export default async function AccountPage({ searchParams }: { searchParams: Promise<{ oidc?: string | string[] }> }) {
  const user = await requireUser();
  const { oidc } = await searchParams;
  const sessions = await listOwnSessions(user);
  return (
    <>
      <PageHeader title="Your account" description={user.email} />
      <div className="grid gap-6 xl:grid-cols-2">
        <Card>
          <h2 className="mb-3 font-semibold">Password</h2>
          <ChangePasswordForm />
        </Card>
        <SecondFactorCard user={user} />
        <OidcLinkCard user={user} outcome={typeof oidc === "string" ? oidc : undefined} />
        <Card>
          <h2 className="mb-1 font-semibold">Where you are signed in</h2>
          <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
            A session ends after {hours(env.SESSION_IDLE_TIMEOUT)} without use and {hours(env.SESSION_MAX_AGE)} after signing in.
          </p>
          <Table label="Sessions">
            <thead><tr><Th>Signed in</Th><Th>Last seen</Th><Th>From</Th></tr></thead>
            <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {sessions.map((s) => (
                <tr key={s.id} data-testid="session-row">
                  <Td className="text-xs">{s.createdAt.toISOString().replace("T", " ").slice(0, 16)}{s.isCurrent ? " (this browser)" : ""}</Td>
                  <Td className="text-xs">{s.lastSeenAt.toISOString().replace("T", " ").slice(0, 16)}</Td>
                  <Td className="text-xs">{[s.ip, s.userAgent?.slice(0, 60)].filter(Boolean).join(" · ") || "—"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <form action={signOutEverywhereAction} className="mt-4">
            <Button type="submit" variant="danger">Sign out everywhere</Button>
          </form>
        </Card>
      </div>
    </>
  );
}
