"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { headers } from "next/headers";
import { signIn } from "@/lib/auth";
import { startPasskeySignIn } from "@/lib/auth/passkey-sign-in";
import { isAppError } from "@/lib/domain/errors";
import type { AuthenticationOptionsJSON } from "@/lib/domain/second-factor/relying-party";
import { requestContextFrom } from "@/lib/http/client-info";

export type SignInState = { error?: string };

/** One generic message for every failure: nothing reveals whether the email exists. */
export async function signInWithPassword(_prev: SignInState, form: FormData): Promise<SignInState> {
  try {
    await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirectTo: safeCallback(String(form.get("callbackUrl") ?? "/")),
    });
    return {};
  } catch (error) {
    if (error instanceof CredentialsSignin && error.code === "rate_limited") {
      return { error: "Too many failed attempts. Wait 15 minutes, then try again." };
    }
    if (error instanceof AuthError) return { error: "Wrong email or password, or the account is disabled." };
    throw error; // the redirect after a successful sign-in travels as an exception
  }
}

/** Starts "Sign in with a passkey": options for the browser, the challenge bound to a cookie of this browser. */
export async function passkeySignInOptionsAction(): Promise<{ options?: AuthenticationOptionsJSON; error?: string }> {
  try {
    return { options: await startPasskeySignIn(requestContextFrom(await headers())) };
  } catch (error) {
    if (isAppError(error)) return { error: error.message };
    throw error;
  }
}

/** Finishes it: Auth.js's "passkey" provider checks the answer (JSON text) against that challenge. */
export async function signInWithPasskey(response: string, callbackUrl: string): Promise<SignInState> {
  try {
    await signIn("passkey", { response: String(response), redirectTo: safeCallback(String(callbackUrl)) });
    return {};
  } catch (error) {
    if (error instanceof AuthError) return { error: "That passkey did not sign you in. It may belong to a disabled account or to another address." };
    throw error; // the redirect after a successful sign-in travels as an exception
  }
}

export async function signInWithOidc(): Promise<void> {
  await signIn("oidc", { redirectTo: "/" });
}

/** Only same-origin paths, so the login page cannot be used as an open redirect. */
function safeCallback(value: string): string {
  return value.startsWith("/") && !value.startsWith("//") ? value : "/";
}
