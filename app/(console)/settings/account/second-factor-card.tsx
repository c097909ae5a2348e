import { Card } from "@/components/ui/card";
import type { UserPrincipal } from "@/lib/domain/access/principal";
import { listOwnFactors } from "@/lib/domain/second-factor/factors";
import { AddAuthenticatorApp, AddPasskey, RegenerateRecoveryCodes, RemoveFactor } from "./factor-controls";

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The user's passkeys, authenticator app and recovery codes, with ways to add and remove them. */
export async function SecondFactorCard({ user }: { user: UserPrincipal }) {
  const factors = await listOwnFactors(user);
  const hasFactor = factors.totp !== null || factors.passkeys.length > 0;
  return (
    <Card>
      <h2 className="mb-1 font-semibold">Second factor</h2>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        {hasFactor ? "After your password, Certdoor asks for one of these. A passkey also signs you in on its own." : "Add a passkey or an authenticator app: after your password, Certdoor will then ask for one of them."}
        {factors.isRequired ? " Your administrator requires a second factor for your account." : ""}
      </p>

      <h3 className="text-sm font-semibold">Passkeys</h3>
      <ul className="mb-3 mt-2 space-y-2" aria-label="Passkeys">
        {factors.passkeys.map((p) => (
          <li key={p.id} data-testid="passkey-row" className="flex flex-wrap items-center justify-between gap-2 text-sm">
            <span>
              <span className="font-medium">{p.name}</span>{" "}
              <span className="text-xs text-zinc-500 dark:text-zinc-400">
                made at {p.rpId} on {day(p.createdAt)}, {p.lastUsedAt ? `last used ${day(p.lastUsedAt)}` : "not used yet"}
              </span>
            </span>
            <RemoveFactor label={`passkey ${p.name}`} passkeyId={p.id} />
          </li>
        ))}
        {factors.passkeys.length === 0 ? <li className="text-sm text-zinc-500 dark:text-zinc-400">None yet.</li> : null}
      </ul>
      <AddPasskey />

      <h3 className="mt-6 text-sm font-semibold">Authenticator app</h3>
      <div className="mt-2">
        {factors.totp ? (
          <p data-testid="totp-status" className="flex flex-wrap items-center justify-between gap-2 text-sm">
            <span>Set up on {day(factors.totp.confirmedAt)}.</span>
            <RemoveFactor label="the authenticator app" />
          </p>
        ) : (
          <AddAuthenticatorApp />
        )}
      </div>

      {hasFactor ? (
        <>
          <h3 className="mt-6 text-sm font-semibold">Recovery codes</h3>
          <p className="mb-2 mt-1 text-sm" data-testid="recovery-codes-left">
            {factors.recoveryCodesLeft} of 10 left. New codes replace all earlier ones.
          </p>
          <RegenerateRecoveryCodes />
        </>
      ) : null}
    </Card>
  );
}
