import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { AppError } from "@/lib/domain/errors";
import { type Principal, systemPrincipal, type UserPrincipal } from "@/lib/domain/access/principal";
import { Prisma } from "@/lib/generated/prisma/client";

// Which console user an OpenID Connect sign-in is. OIDC never creates users, and an email
// alone never hands an existing account to a provider account. An identity (issuer +
// subject) is bound to a user in one of two ways only:
// - linked by the user themselves, from a signed-in console session (Your account), or
// - at the first sign-in of a user made for OIDC (created without a password: `certdoor
//   user create --oidc`, or the console's "signs in with …" box) and not bound yet, when the
//   provider vouches for that user's email (email_verified === true: a provider that lets
//   people pick any address and omits the claim must not let them pick an account).
// From then on only that subject signs in as that user, and an email changed at the provider
// moves nothing.

export type OidcIdentity = { issuer: string; subject: string; email: unknown; emailVerified: unknown };

type Refusal = "unverified_email" | "unknown_user" | "not_linked" | "disabled" | "bound_elsewhere" | "already_linked";
export type OidcOutcome = { userId: string } | { refused: Refusal };

/** The user an OIDC identity signs in as (binding a user made for OIDC on first use), or why not. */
export async function resolveOidcUser(identity: OidcIdentity): Promise<OidcOutcome> {
  if (!identity.subject) return { refused: "unknown_user" };
  const bound = await boundUser(identity);
  if (bound) return bound.disabledAt ? { refused: "disabled" } : { userId: bound.id };

  if (identity.emailVerified !== true) return { refused: "unverified_email" };
  const email = typeof identity.email === "string" ? identity.email.toLowerCase() : "";
  const user = email ? await getDb().user.findUnique({ where: { email }, select: { id: true, email: true, disabledAt: true, oidcSubject: true, passwordHash: true } }) : null;
  if (!user) return { refused: "unknown_user" };
  if (user.disabledAt) return { refused: "disabled" };
  if (user.oidcSubject) return { refused: "bound_elsewhere" };
  // A user with a password was not made for OIDC: they link it themselves, signed in.
  if (user.passwordHash) return { refused: "not_linked" };
  return bind(user, identity, systemPrincipal("oidc"), "first_sign_in");
}

/** Links an identity to the signed-in user (from their console session), or says why not. */
export async function linkOidcIdentity(principal: UserPrincipal, identity: OidcIdentity): Promise<OidcOutcome> {
  if (principal.apiKeyId || !principal.sessionId) throw new AppError("forbidden", "Link your sign-in in the console, not with an API key.");
  if (!identity.subject) return { refused: "unknown_user" };
  const bound = await boundUser(identity);
  if (bound) return bound.id === principal.userId ? { userId: bound.id } : { refused: "bound_elsewhere" };
  const user = await getDb().user.findUnique({ where: { id: principal.userId }, select: { id: true, email: true, oidcSubject: true } });
  if (!user) return { refused: "unknown_user" };
  if (user.oidcSubject) return { refused: "already_linked" };
  return bind(user, identity, principal, "linked");
}

/** The user bound to an identity, if any. */
async function boundUser(identity: OidcIdentity) {
  return getDb().user.findUnique({
    where: { oidcIssuer_oidcSubject: { oidcIssuer: identity.issuer, oidcSubject: identity.subject } },
    select: { id: true, disabledAt: true },
  });
}

async function bind(user: { id: string; email: string }, identity: OidcIdentity, actor: Principal, how: "first_sign_in" | "linked"): Promise<OidcOutcome> {
  try {
    return await getDb().$transaction(async (tx) => {
      // Conditional: two first sign-ins (or links) at once bind one subject; the other is refused.
      const { count } = await tx.user.updateMany({ where: { id: user.id, oidcSubject: null, disabledAt: null }, data: { oidcIssuer: identity.issuer, oidcSubject: identity.subject } });
      if (count !== 1) return { refused: "bound_elsewhere" } as const;
      await recordAudit(tx, actor, { action: "user.oidc_bound", targetKind: "user", targetId: user.id, details: { email: user.email, issuer: identity.issuer, subject: identity.subject, how } });
      return { userId: user.id };
    });
  } catch (error) {
    // The identity was bound to another user a moment ago (issuer + subject are unique).
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return { refused: "bound_elsewhere" };
    throw error;
  }
}

/** The provider account the caller is linked to, for Your account. */
export async function ownOidcLink(principal: UserPrincipal): Promise<{ issuer: string; subject: string } | null> {
  const user = await getDb().user.findUnique({ where: { id: principal.userId }, select: { oidcIssuer: true, oidcSubject: true } });
  return user?.oidcIssuer && user.oidcSubject ? { issuer: user.oidcIssuer, subject: user.oidcSubject } : null;
}

// What in an ID token shows that the provider itself did a second factor (RFC 8176 `amr`
// values, OpenID `acr` values): `amr` says "mfa", or names at least two distinct factors
// (a password and an OTP, a key and its PIN or fingerprint); each factor alone ("otp",
// "hwk"...) is one method, not proof of two. Anything else, or nothing, means it did not,
// and a user who has a local factor (or whom the policy covers) is asked for it after the
// provider. Phone channels ("sms", "tel") do not count as a factor: they are not accepted as
// a second factor here either.
const FACTOR_AMR = new Set(["pwd", "pin", "kba", "otp", "hwk", "swk", "sc", "fpt", "face", "iris", "retina", "vbm"]);
const MFA_ACR = new Set([
  "http://schemas.openid.net/pape/policies/2007/06/multi-factor",
  "http://schemas.openid.net/pape/policies/2007/06/multi-factor-physical",
  "phr", // OpenID EAP: phishing-resistant
  "phrh", // OpenID EAP: phishing-resistant, hardware-protected
]);

/** Whether the ID token's claims show the provider did multi-factor authentication. */
export function providerDidMfa(claims: { [claim: string]: unknown } | null | undefined): boolean {
  const amr = new Set((Array.isArray(claims?.amr) ? claims.amr : []).filter((value): value is string => typeof value === "string"));
  if (amr.has("mfa") || [...amr].filter((value) => FACTOR_AMR.has(value)).length >= 2) return true;
  return typeof claims?.acr === "string" && MFA_ACR.has(claims.acr);
}
