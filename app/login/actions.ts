"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { signIn } from "@/lib/auth";

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

export async function signInWithOidc(): Promise<void> {
  await signIn("oidc", { redirectTo: "/" });
}

/** Only same-origin paths, so the login page cannot be used as an open redirect. */
function safeCallback(value: string): string {
  return value.startsWith("/") && !value.startsWith("//") ? value : "/";
}
