import "server-only";
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { DEVICE_COOKIE, DEVICE_MAX_AGE_SECONDS } from "@/lib/auth/device";
import { authorizePasskey } from "@/lib/auth/passkey-sign-in";
import { requestCookie } from "@/lib/auth/request-cookie";
import { passwordSignIn } from "@/lib/auth/sign-in";
import { cookies, headers } from "next/headers";
import { linkingSession } from "@/lib/auth/oidc-link";
import { linkOidcIdentity, providerDidMfa, resolveOidcUser } from "@/lib/domain/access/oidc-accounts";
import { loadUserPrincipal } from "@/lib/domain/access/users";
import { type SignInMethod, startSession } from "@/lib/domain/access/sessions";
import { env, requireEnv } from "@/lib/env";
import { requestContextFrom } from "@/lib/http/client-info";
import { signInSchema } from "@/lib/validation/users";
import { logger } from "@/lib/observability/log";

/** Auth.js error types caused by what a client sent, never by the server. */
const CLIENT_FAULTS = new Set(["MissingCSRF", "JWTSessionError", "InvalidCheck", "UnknownAction", "InvalidCallbackUrl", "InvalidProvider", "UntrustedHost"]);

// Auth.js with email + password (argon2id) or a passkey, and JWT sessions; an OIDC provider when
// OIDC_ISSUER/OIDC_CLIENT_ID/OIDC_CLIENT_SECRET are set, for users who already exist and are
// bound to the provider's subject (linked by themselves, or made for OIDC: oidc-accounts.ts).
// The session carries only the user id: role, memberships and the disabled flag are read
// from the database on every request (lib/auth/session.ts), so changes apply at once.


/** Too many failed sign-ins (for this email, from this address, or for this account); says nothing about the password or whether the account exists. */
export class TooManySignIns extends CredentialsSignin {
  code = "rate_limited";
}

/** Where the sign-in came from, for the session list (sign-in runs inside a request). */
async function signInContext() {
  try {
    return requestContextFrom(await headers());
  } catch {
    return {};
  }
}

/** This browser may pass the account's sign-in limit from now on (lib/auth/device.ts). */
async function rememberDevice(value: string, isHttps: boolean): Promise<void> {
  try {
    (await cookies()).set(DEVICE_COOKIE, value, { httpOnly: true, sameSite: "lax", secure: isHttps, path: "/", maxAge: DEVICE_MAX_AGE_SECONDS });
  } catch {
    // Outside a Next.js request scope (a test calling the handler directly), like signInContext: no cookie to set.
  }
}

/** The configured issuer, as accounts are bound to it (without a trailing slash). */
const oidcIssuer = () => (env.OIDC_ISSUER ?? "").replace(/\/+$/, "");

const methodOf = (provider: string): SignInMethod => (provider === "passkey" ? "passkey" : "password");

/** What the signIn callback decided for an OIDC answer, handed to the jwt callback of the same request (Auth.js passes both the same account object). */
const oidcSignIns = new WeakMap<object, { userId: string; sessionId?: string; didMfa: boolean }>();

/** The session this browser already has, if any (read from its cookie; for linking). */
async function currentSession(): Promise<{ userId?: string; sessionId?: string } | null> {
  const session = await auth();
  return session ? { userId: session.user?.id, sessionId: session.sessionId } : null;
}

function providers(): NextAuthConfig["providers"] {
  const list: NextAuthConfig["providers"] = [
    Credentials({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, request) {
        const parsed = signInSchema.safeParse(raw);
        if (!parsed.success) throw new CredentialsSignin();
        const context = requestContextFrom(request.headers);
        const outcome = await passwordSignIn(parsed.data.email, parsed.data.password, context.ip ?? null, requestCookie(request.headers, DEVICE_COOKIE));
        if (outcome.kind === "rate_limited") throw new TooManySignIns();
        if (outcome.kind === "wrong") throw new CredentialsSignin();
        await rememberDevice(outcome.device, context.origin?.startsWith("https:") ?? false);
        return { id: outcome.userId };
      },
    }),
    // A passkey alone: discoverable credential with user verification, two factors in one
    // (lib/domain/second-factor/passkey-assertion.ts); its session needs no second step.
    Credentials({
      id: "passkey",
      name: "Passkey",
      credentials: { response: { label: "Passkey response" } },
      async authorize(raw, request) {
        const user = await authorizePasskey(raw?.response, request);
        if (!user) throw new CredentialsSignin();
        return user;
      },
    }),
  ];
  if (env.isOidcConfigured) {
    list.push({
      id: "oidc",
      name: env.OIDC_NAME,
      type: "oidc",
      issuer: env.OIDC_ISSUER,
      clientId: env.OIDC_CLIENT_ID,
      clientSecret: env.OIDC_CLIENT_SECRET,
    });
  }
  return list;
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: requireEnv("AUTH_SECRET"),
  trustHost: true,
  // The cookie lives as long as a session may; the server-side row decides sooner (idle,
  // signed out everywhere, password changed): lib/domain/access/sessions.ts.
  session: { strategy: "jwt", maxAge: Math.ceil(env.SESSION_MAX_AGE / 1000) },
  pages: { signIn: "/login", error: "/login" },
  providers: providers(),
  logger: {
    // A wrong password is an expected outcome, not a server error worth a stack trace.
    error(error) {
      // Class names are minified in the production build; Auth.js errors carry a stable `type`.
      const type = (error as { type?: string }).type ?? error.name;
      if (type === "CredentialsSignin") return;
      const cause = (error as { cause?: { err?: unknown } }).cause?.err ?? (error as { cause?: unknown }).cause;
      const message = `${type}: ${cause instanceof Error ? cause.message : error.message}`;
      // What a client sent wrong (a forged or stale cookie, no CSRF token, a URL that is not
      // one) is the client's fault: a warning, so hostile input cannot fill the error log.
      const isClientFault = CLIENT_FAULTS.has(type) || /Invalid URL|JSON/.test(message);
      logger("auth")[isClientFault ? "warn" : "error"]({ type }, message);
    },
  },
  callbacks: {
    async signIn({ account, profile }) {
      if (account?.provider !== "oidc") return true;
      const identity = { issuer: oidcIssuer(), subject: account.providerAccountId, email: profile?.email, emailVerified: profile?.email_verified };
      // From "Link your … account" (a signed-in session asked for it): a link, not a sign-in.
      const linking = await linkingSession(await currentSession());
      const principal = linking && (await loadUserPrincipal({ id: linking.userId }, { sessionId: linking.sessionId, context: await signInContext() }));
      const outcome = principal ? await linkOidcIdentity(principal, identity) : await resolveOidcUser(identity);
      if ("refused" in outcome) {
        logger("auth").warn({ reason: outcome.refused, linking: Boolean(principal) }, "OIDC sign-in refused");
        return principal ? `/settings/account?oidc=${outcome.refused}` : false;
      }
      oidcSignIns.set(account, { userId: outcome.userId, sessionId: principal ? linking?.sessionId : undefined, didMfa: providerDidMfa(profile) });
      return true;
    },
    async jwt({ token, user, account }) {
      if (account?.provider === "oidc") {
        const signedIn = oidcSignIns.get(account);
        if (!signedIn) return null;
        token.sub = signedIn.userId;
        // A link keeps the session it was made in; a sign-in starts one, which owes the second
        // step like a password's unless the provider says it did MFA (policy.ts signInStep).
        token.sid = signedIn.sessionId ?? (await startSession(signedIn.userId, await signInContext(), "oidc", { secondFactorPassed: signedIn.didMfa }));
        return token;
      }
      if (user?.id) token.sub = user.id;
      // Signing in starts a server-side session that the cookie names; how it signed in decides
      // whether it owes a second step (lib/domain/second-factor/policy.ts).
      if (account && token.sub) token.sid = await startSession(token.sub, await signInContext(), methodOf(account.provider));
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user = { ...session.user, id: token.sub };
      if (typeof token.sid === "string") session.sessionId = token.sid;
      return session;
    },
  },
}));
