import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Button } from "@/components/ui/button";
import { getSessionState, STEP_PAGES } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { signInWithOidc } from "./actions";
import { LoginForm } from "./login-form";
import { PasskeySignIn } from "./passkey-sign-in";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // Signed in already, or halfway (a second step or a set-up owed): carry on from there.
  const state = await getSessionState();
  if (state) redirect(state.step === "console" ? "/" : STEP_PAGES[state.step]);
  const params = await searchParams;
  const callbackUrl = typeof params.callbackUrl === "string" ? params.callbackUrl : "/";
  const hasProviderError = typeof params.error === "string";
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm space-y-6 rounded-xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <div>
          <p className="text-sm font-semibold uppercase tracking-widest text-indigo-600 dark:text-indigo-400">Certdoor</p>
          <h1 className="mt-1 text-2xl font-semibold">Sign in to the console</h1>
        </div>
        {hasProviderError ? (
          <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
            Sign-in did not succeed. Ask an administrator whether your account exists and is enabled.
          </p>
        ) : null}
        <LoginForm callbackUrl={callbackUrl} />
        <PasskeySignIn callbackUrl={callbackUrl} />
        {env.isOidcConfigured ? (
          <form action={signInWithOidc}>
            <Button type="submit" variant="secondary" className="w-full">
              Continue with {env.OIDC_NAME}
            </Button>
          </form>
        ) : null}
      </div>
    </main>
  );
}
