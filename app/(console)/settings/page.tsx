import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { canAdminister } from "@/lib/domain/access/permissions";
import { getSecondFactorPolicy } from "@/lib/domain/second-factor/policy";
import { POLICY_LABELS } from "@/lib/validation/second-factor";
import { SecondFactorPolicyForm } from "./second-factor-policy-form";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const user = await requireUser();
  const policy = await getSecondFactorPolicy();
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
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Change your password, add a passkey or an authenticator app, see where you are signed in, sign out everywhere.</p>
        </Card>
        <Card>
          <h2 className="font-semibold">
            <Link href="/settings/api-keys" className="hover:underline">API keys</Link>
          </h2>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Bearer keys for automation: create (shown once), see when each was last used, revoke.</p>
        </Card>
        <Card>
          <h2 className="font-semibold">Second factor</h2>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            Users with a passkey or an authenticator app confirm every password sign-in with it. Users who must have one and do not are led
            to set it up right after signing in. OIDC users are not asked: their identity provider does this.
          </p>
          <div className="mt-3">
            {canAdminister(user) ? (
              <SecondFactorPolicyForm current={policy} />
            ) : (
              <p className="text-sm" data-testid="second-factor-policy">Required for: {POLICY_LABELS[policy]}</p>
            )}
          </div>
        </Card>
      </div>
    </>
  );
}
