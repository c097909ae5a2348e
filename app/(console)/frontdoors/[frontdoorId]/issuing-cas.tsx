import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { CA_EXPIRY_WARNING_DAYS, isCaExpiringSoon } from "@/lib/domain/ca/expiring";
import type { CaView } from "@/lib/domain/ca/trust";
import { pointersFor } from "@/lib/pki/pointers";
import { RotateCa } from "./rotate-ca";

const day = (date: Date) => date.toISOString().slice(0, 10);

function status(ca: CaView) {
  if (ca.isCurrent) return <Badge tone="green">current: signs new certificates</Badge>;
  if (ca.isInUse) return <Badge tone="amber">retired: answers for its certificates until {ca.lastCertificateNotAfter ? day(ca.lastCertificateNotAfter) : "—"}</Badge>;
  return <Badge>retired: no certificate left</Badge>;
}

/** What an administrator should act on: a current CA near its end, or one still under the root every Frontdoor shared. */
function CaWarnings({ current }: { current: CaView | undefined }) {
  if (!current) return null;
  const warnings: string[] = [];
  if (isCaExpiringSoon(current.notAfter)) {
    warnings.push(`The current CA ends on ${day(current.notAfter)} (within ${CA_EXPIRY_WARNING_DAYS} days); certificates issued until then end with it. Rotate it, then have gateways fetch ca.pem again.`);
  }
  if (current.isUnderSharedRoot) {
    warnings.push("The current CA hangs under the root every Frontdoor of this installation shared, so gateways trusting this ca.pem also admit other Frontdoors' certificates. Rotate it to move this Frontdoor onto a root of its own (README, Trust model).");
  }
  if (warnings.length === 0) return null;
  return (
    <div role="alert" data-testid="ca-warnings" className="mb-2 space-y-1 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
      {warnings.map((w) => (
        <p key={w}>{w}</p>
      ))}
    </div>
  );
}

/** The Frontdoor's issuing CAs (after rotations, more than one) with each one's own addresses; administrators may rotate. */
export function IssuingCas({ frontdoor, cas, origin, pointerOrigin, canRotate }: { frontdoor: { id: string; name: string }; cas: CaView[]; origin: string; pointerOrigin: string; canRotate: boolean }) {
  return (
    <Card>
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 className="font-semibold">Issuing CAs</h2>
        {canRotate ? <RotateCa frontdoorId={frontdoor.id} name={frontdoor.name} caPemUrl={`${origin}/frontdoor/${frontdoor.id}/ca.pem`} /> : null}
      </div>
      <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
        ca.pem holds every CA that is current or still answers for its certificates, then the intermediates and roots above them: this Frontdoor&apos;s own root, never another&apos;s, or an enterprise root that other Frontdoors may share.
      </p>
      <CaWarnings current={cas.find((ca) => ca.isCurrent)} />
      <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="issuing-cas">
        {cas.map((ca) => {
          const pointers = pointersFor(pointerOrigin, frontdoor.id, ca);
          return (
            <li key={ca.id} className="py-2 text-sm" data-testid={`ca-${ca.generation}`}>
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium">Generation {ca.generation}</span>
                {status(ca)}
              </div>
              <div className="mt-1 break-words">{ca.subject}</div>
              {ca.enterpriseRoot ? <div className="break-words" data-testid="enterprise-root">under the enterprise root {ca.enterpriseRoot}</div> : null}
              <div className="text-zinc-600 dark:text-zinc-400">valid until {day(ca.notAfter)}{ca.retiredAt ? `, retired ${ca.retiredAt.toISOString()}` : ""}</div>
              <div className="font-mono text-xs break-all">{pointers.caIssuers}</div>
              <div className="font-mono text-xs break-all">{pointers.crl}</div>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
