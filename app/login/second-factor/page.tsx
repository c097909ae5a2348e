import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { signOutAction } from "@/app/(console)/actions";
import { Button } from "@/components/ui/button";
import { getSessionState } from "@/lib/auth/session";
import { secondStepMethods } from "@/lib/domain/second-factor/second-step";
import { SecondStepForm } from "./second-step-form";

export const metadata: Metadata = { title: "Second step" };

/** After a right password, for a user with a second factor: the session is not usable until this passes. */
export default async function SecondStepPage() {
  const state = await getSessionState();
  if (!state) redirect("/login");
  if (state.step === "console") redirect("/");
  if (state.step === "setup") redirect("/setup-second-factor");
  const methods = await secondStepMethods(state.principal);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm space-y-6 rounded-xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <div>
          <p className="text-sm font-semibold uppercase tracking-widest text-indigo-600 dark:text-indigo-400">Certdoor</p>
          <h1 className="mt-1 text-2xl font-semibold">Confirm it is you</h1>
          <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
            You are signing in as <span className="font-medium">{state.principal.email}</span>. Your account has a second factor: use it to finish signing in.
          </p>
        </div>
        <SecondStepForm hasTotp={methods.hasTotp} hasPasskey={methods.passkeyCount > 0} recoveryCodesLeft={methods.recoveryCodesLeft} />
        <p className="text-xs text-zinc-500 dark:text-zinc-400">Lost your app, your passkey and your recovery codes? An administrator can reset your second factor.</p>
        <form action={signOutAction}>
          <Button type="submit" variant="ghost" className="w-full">Cancel and sign out</Button>
        </form>
      </div>
    </main>
  );
}
