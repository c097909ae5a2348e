import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { DetailItem } from "@/components/ui/detail-item";
import type { IntuneSettingsView } from "@/lib/domain/scep/intune/settings";
import { IntuneForm } from "./intune-form";

// The Frontdoor's SCEP addresses and what to paste where in the MDMs that use them (the
// README's "SCEP with an MDM" says the same at more length), then the Intune settings.

const Steps = ({ title, steps }: { title: string; steps: string[] }) => (
  <details className="rounded border border-zinc-200 p-2 text-sm dark:border-zinc-800">
    <summary className="cursor-pointer font-medium">{title}</summary>
    <ol className="mt-2 list-decimal space-y-1 pl-5 text-zinc-700 dark:text-zinc-300">
      {steps.map((step) => <li key={step}>{step}</li>)}
    </ol>
  </details>
);

export function ScepSection({ frontdoorId, origin, intune, canEdit }: { frontdoorId: string; origin: string; intune: IntuneSettingsView | null; canEdit: boolean }) {
  const scepUrl = `${origin}/scep/${frontdoorId}`;
  const challengeUrl = `${origin}/frontdoor/${frontdoorId}/scep/challenge`;
  const caUrl = `${origin}/frontdoor/${frontdoorId}/ca.pem`;
  const address = (label: string, url: string, testId: string) => (
    <DetailItem label={label}>
      <span className="flex items-center gap-2">
        <span className="break-all font-mono text-xs" data-testid={testId}>{url}</span>
        <CopyButton text={url} />
      </span>
    </DetailItem>
  );
  return (
    <Card>
      <h2 className="mb-2 font-semibold">SCEP for device management</h2>
      <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
        Managed devices enrol over SCEP with a one-time challenge: a certificate request token of this Frontdoor, one from the challenge URL, or (with Intune set up below) Intune&apos;s own. Names come from the device&apos;s request within this Frontdoor&apos;s name policy; its SANs only when the profile uses the CSR&apos;s SANs.
      </p>
      <dl className="mb-3 divide-y divide-zinc-200 dark:divide-zinc-800">
        {address("SCEP URL", scepUrl, "address-scep")}
        {address("Challenge URL", challengeUrl, "address-scep-challenge")}
      </dl>
      <div className="mb-4 space-y-2">
        <Steps
          title="Jamf Pro"
          steps={[
            "Make an API key (Settings → API keys) for an operator who is a member of this Frontdoor.",
            "Configuration Profile → SCEP payload: URL = the SCEP URL; Subject e.g. CN=$COMPUTERNAME; Key size 2048, signing and encryption.",
            "Challenge Type: the dynamic (NDES-style) one; its URL = the challenge URL; user name: anything; password: the API key.",
            `Add a Certificate payload with the Frontdoor's CA chain (${caUrl}) so devices trust it.`,
          ]}
        />
        <Steps
          title="Kandji"
          steps={[
            "Library → Add new → SCEP: URL = the SCEP URL; Subject e.g. CN=$SERIAL_NUMBER; key size 2048.",
            "Challenge: Dynamic; challenge URL = the challenge URL; user name: anything; password: an API key of an operator who is a member of this Frontdoor.",
            `Add a Certificate library item with the Frontdoor's CA chain (${caUrl}).`,
          ]}
        />
        <Steps
          title="Microsoft Intune"
          steps={[
            "Entra ID → App registrations → New: add the application permission Intune → scep_challenge_provider and Microsoft Graph → Application.Read.All, grant admin consent, make a client secret.",
            "Enter the tenant, the application (client) id and the secret's value below.",
            `Intune → Devices → Configuration: a Trusted certificate profile with the Frontdoor's root (from ${caUrl}), then a SCEP certificate profile: SCEP Server URL = the SCEP URL; Subject name e.g. CN={{DeviceName}}; key size 2048.`,
            "Intune puts the device's names in the request: allow them in the name policy, and turn on “Use the CSR's subject alternative names” above if the profile asks for SANs.",
          ]}
        />
      </div>
      <h3 className="mb-1 text-sm font-medium">Microsoft Intune</h3>
      <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400" data-testid="intune-status">
        {intune ? `Set up: tenant ${intune.tenantId}, client ${intune.clientId}, client secret stored.` : "Not set up: challenges that are not tokens of this Frontdoor are refused."}
      </p>
      {canEdit ? <IntuneForm frontdoorId={frontdoorId} intune={intune} /> : <p className="text-sm text-zinc-500">Only administrators change these.</p>}
    </Card>
  );
}
