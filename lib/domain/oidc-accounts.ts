import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit";
import { systemPrincipal } from "@/lib/domain/principal";

// Which console user an OpenID Connect sign-in is. OIDC never creates users. The first
// sign-in matches an existing, enabled user by email, and only when the provider vouches
// for that email (email_verified === true: a provider that lets people pick any address and
// omits the claim must not let them pick an administrator's). It then binds the user to the
// provider's issuer and subject; from then on only that subject signs in as that user, and
// an email changed at the provider moves nothing.

export type OidcIdentity = { issuer: string; subject: string; email: unknown; emailVerified: unknown };

export type OidcOutcome = { userId: string } | { refused: "unverified_email" | "unknown_user" | "disabled" | "bound_elsewhere" };

/** The user an OIDC identity signs in as (binding it on first use), or why not. */
export async function resolveOidcUser(identity: OidcIdentity): Promise<OidcOutcome> {
  const db = getDb();
  if (!identity.subject) return { refused: "unknown_user" };
  const bound = await db.user.findUnique({
    where: { oidcIssuer_oidcSubject: { oidcIssuer: identity.issuer, oidcSubject: identity.subject } },
    select: { id: true, disabledAt: true },
  });
  if (bound) return bound.disabledAt ? { refused: "disabled" } : { userId: bound.id };

  if (identity.emailVerified !== true) return { refused: "unverified_email" };
  const email = typeof identity.email === "string" ? identity.email.toLowerCase() : "";
  const user = email ? await db.user.findUnique({ where: { email }, select: { id: true, disabledAt: true, oidcSubject: true } }) : null;
  if (!user) return { refused: "unknown_user" };
  if (user.disabledAt) return { refused: "disabled" };
  if (user.oidcSubject) return { refused: "bound_elsewhere" };
  return db.$transaction(async (tx) => {
    // Conditional: two first sign-ins at once bind one subject, and the other is refused.
    const { count } = await tx.user.updateMany({ where: { id: user.id, oidcSubject: null }, data: { oidcIssuer: identity.issuer, oidcSubject: identity.subject } });
    if (count !== 1) return { refused: "bound_elsewhere" } as const;
    await recordAudit(tx, systemPrincipal("oidc"), { action: "user.oidc_bound", targetKind: "user", targetId: user.id, details: { email, issuer: identity.issuer, subject: identity.subject } });
    return { userId: user.id };
  });
}

/** The user bound to an identity (after resolveOidcUser let it in). */
export async function boundOidcUserId(issuer: string, subject: string): Promise<string | null> {
  const user = await getDb().user.findUnique({ where: { oidcIssuer_oidcSubject: { oidcIssuer: issuer, oidcSubject: subject } }, select: { id: true } });
  return user?.id ?? null;
}
