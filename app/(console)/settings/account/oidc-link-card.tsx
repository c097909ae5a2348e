import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import type { UserPrincipal } from "@/lib/domain/access/principal";
import { ownOidcLink } from "@/lib/domain/access/oidc-accounts";
import { env } from "@/lib/env";
import { linkOidcAccountAction } from "./actions";

/** Why a link was not made (the callback sends the browser back here with ?oidc=…). */
const OUTCOMES: Record<string, string> = {
  linked: "Linked.",
  bound_elsewhere: "That account at the provider is already linked to another Certdoor user.",
  already_linked: "Your Certdoor account is already linked to another account at the provider.",
  unknown_user: "The provider did not say which account it signed in.",
};

/** Signing in through the installation's OIDC provider: linked, or a button to link it from this signed-in session. */
export async function OidcLinkCard({ user, outcome }: { user: UserPrincipal; outcome?: string }) {
  if (!env.isOidcConfigured) return null;
  const link = await ownOidcLink(user);
  const message = outcome ? (OUTCOMES[outcome] ?? "The link was not made.") : null;
  return (
    <Card>
      <h2 className="mb-1 font-semibold">{env.OIDC_NAME}</h2>
      {message ? (
        <p role="status" data-testid="oidc-link-outcome" className="mb-2 text-sm">
          {message}
        </p>
      ) : null}
      {link ? (
        <p className="text-sm" data-testid="oidc-link">
          You can sign in with {env.OIDC_NAME}: linked to the account <code className="font-mono text-xs">{link.subject}</code> at {link.issuer}.
        </p>
      ) : (
        <>
          <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
            Link your account at {env.OIDC_NAME} to sign in with it. Only you can do this, from here: a matching email alone never links an account.
          </p>
          <form action={linkOidcAccountAction}>
            <Button type="submit">Link your {env.OIDC_NAME} account</Button>
          </form>
        </>
      )}
    </Card>
  );
}
