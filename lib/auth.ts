import "server-only";
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "@/lib/db";
import { verifyCredentials } from "@/lib/domain/users";
import { env, requireEnv } from "@/lib/env";
import { requestContextFrom } from "@/lib/http/client-info";
import { signInLimiter } from "@/lib/http/rate-limit";
import { signInSchema } from "@/lib/validation/users";

// Auth.js with email + password (argon2id) and JWT sessions; an OIDC provider when
// OIDC_ISSUER/OIDC_CLIENT_ID/OIDC_CLIENT_SECRET are set, for users who already exist.
// The session carries only the user id: role, memberships and the disabled flag are read
// from the database on every request (lib/auth/session.ts), so changes apply at once.

const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/** Too many failed sign-ins for this email from this address; says nothing about the password. */
export class TooManySignIns extends CredentialsSignin {
  code = "rate_limited";
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
        const key = `${parsed.data.email}|${requestContextFrom(request.headers).ip ?? "unknown"}`;
        if (signInLimiter.retryAfter(key) > 0) throw new TooManySignIns();
        const user = await verifyCredentials(parsed.data.email, parsed.data.password);
        if (!user) {
          signInLimiter.hit(key);
          throw new CredentialsSignin();
        }
        return { id: user.id };
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
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login", error: "/login" },
  providers: providers(),
  logger: {
    // A wrong password is an expected outcome, not a server error worth a stack trace.
    error(error) {
      // Class names are minified in the production build; Auth.js errors carry a stable `type`.
      const type = (error as { type?: string }).type ?? error.name;
      if (type === "CredentialsSignin") return;
      const cause = (error as { cause?: { err?: unknown } }).cause?.err ?? (error as { cause?: unknown }).cause;
      console.error(`[auth] ${type}: ${cause instanceof Error ? cause.message : error.message}`);
    },
  },
  callbacks: {
    async signIn({ account, profile }) {
      if (account?.provider !== "oidc") return true;
      // OIDC never creates users: the email must belong to an existing, enabled user.
      const email = typeof profile?.email === "string" ? profile.email.toLowerCase() : "";
      if (!email || profile?.email_verified === false) return false;
      const user = await getDb().user.findUnique({ where: { email }, select: { disabledAt: true } });
      return Boolean(user && !user.disabledAt);
    },
    async jwt({ token, user, account, profile }) {
      if (account?.provider === "oidc" && typeof profile?.email === "string") {
        const row = await getDb().user.findUnique({ where: { email: profile.email.toLowerCase() }, select: { id: true } });
        if (row) token.sub = row.id;
      } else if (user?.id) {
        token.sub = user.id;
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user = { ...session.user, id: token.sub };
      return session;
    },
  },
}));
