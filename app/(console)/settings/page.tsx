import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { canAdminister } from "@/lib/domain/permissions";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title="Settings" />
      <div className="grid gap-4 sm:grid-cols-2">
        {canAdminister(user) ? (
          <Card>
            <h2 className="font-semibold">
              <Link href="/settings/users" className="hover:underline">Users</Link>
            </h2>
            <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Create users, set roles and Frontdoor memberships, disable accounts.</p>
          </Card>
        ) : null}
        <Card>
          <h2 className="font-semibold">
            <Link href="/settings/account" className="hover:underline">Your account</Link>
          </h2>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Change your password, see where you are signed in, sign out everywhere.</p>
        </Card>
        <Card>
          <h2 className="font-semibold">
            <Link href="/settings/api-keys" className="hover:underline">API keys</Link>
          </h2>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Bearer keys for automation: create (shown once), see when each was last used, revoke.</p>
        </Card>
      </div>
    </>
  );
}
