import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { signOutAction } from "@/app/(console)/actions";
import { AddAuthenticatorApp, AddPasskey } from "@/app/(console)/settings/account/factor-controls";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { getSessionState } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Set up a second factor" };

/** Where the policy sends a user who must have a second factor and has none: nothing else opens until they add one. */
export default async function SetupSecondFactorPage() {
  const state = await getSessionState();
  if (!state) redirect("/login");
  if (state.step === "console") redirect("/");
  if (state.step === "second_factor") redirect("/login/second-factor");
  return (
    <main className="mx-auto max-w-2xl space-y-6 px-4 py-10">
      <div>
        <p className="text-sm font-semibold uppercase tracking-widest text-indigo-600 dark:text-indigo-400">Certdoor</p>
        <h1 className="mt-1 text-2xl font-semibold">Set up a second factor</h1>
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
          Your administrator requires a second factor for <span className="font-medium">{state.principal.email}</span>. Add a passkey or an
          authenticator app to continue to the console; after that, each password sign-in asks for it.
        </p>
      </div>
      <Card>
        <h2 className="mb-1 font-semibold">A passkey</h2>
        <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">Your device's screen lock, Touch ID, Windows Hello or a security key. It also signs you in on its own.</p>
        <AddPasskey afterHref="/" />
      </Card>
      <Card>
        <h2 className="mb-1 font-semibold">An authenticator app</h2>
        <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">A 6-digit code from an app on your phone, with ten recovery codes for when it is lost.</p>
        <AddAuthenticatorApp afterHref="/" />
      </Card>
      <form action={signOutAction}>
        <Button type="submit" variant="ghost">Sign out</Button>
      </form>
    </main>
  );
}
