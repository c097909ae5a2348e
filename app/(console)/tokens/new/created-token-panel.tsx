"use client";

import QRCode from "qrcode";
import { useEffect, useState } from "react";
import { RedeemToolBlock } from "@/components/console/redeem-tool-block";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";

type Delivery = { to: string; status: "sent" | "failed" | "not_configured"; error?: string };
type Props = {
  token: string;
  redemptionUrl: string;
  frontdoorId: string;
  commonName: string | null;
  origin: string;
  /** SHA-256 of /tools/certdoor-redeem.mjs, when this installation built it. */
  toolSha256?: string;
  delivery?: Delivery;
  /** People who must still approve it (its Frontdoor's two-person rule); 0 or absent: it works now. */
  approvalsNeeded?: number;
  title?: string;
  onClose: () => void;
};

/** What became of the email with the link, in words. */
export function DeliveryNote({ delivery }: { delivery: Delivery }) {
  const text =
    delivery.status === "sent"
      ? `The link was emailed to ${delivery.to}.`
      : delivery.status === "failed"
        ? `The link could not be emailed to ${delivery.to} (${delivery.error ?? "the mail server refused it"}). Pass it on by hand.`
        : `Email is not set up (SMTP_URL and SMTP_FROM), so nothing was sent to ${delivery.to}. Pass the link on by hand.`;
  return (
    <p data-testid="delivery-status" className={delivery.status === "sent" ? "text-sm font-medium text-green-800 dark:text-green-300" : "text-sm font-medium text-amber-800 dark:text-amber-300"}>
      {text}
    </p>
  );
}

/** The secret, shown this once: link, copy buttons, a QR code, and the commands for systems. */
export function CreatedTokenPanel({ token, redemptionUrl, frontdoorId, commonName, origin, toolSha256, delivery, approvalsNeeded = 0, title = "Token created", onClose }: Props) {
  const [qr, setQr] = useState<string>();
  useEffect(() => {
    // Made in the browser: the link (and its secret) is not sent anywhere to draw it.
    void QRCode.toString(redemptionUrl, { type: "svg", margin: 1, errorCorrectionLevel: "M" }).then(setQr);
  }, [redemptionUrl]);

  const commands = `# on the system that needs the certificate
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \\
  -keyout key.pem -out req.csr -subj "/CN=${commonName ?? "my-client"}"
curl -s -X POST "${origin}/frontdoor/${frontdoorId}/client-certificates/token" \\
  -H "Authorization: Bearer ${token}" -H "Content-Type: application/json" \\
  -d "$(jq -n --arg csr "$(cat req.csr)" '{type: "CSR", value: $csr}')" | jq -r .certificate > cert.pem`;

  return (
    <section aria-labelledby="created-heading" className="space-y-5 rounded-lg border border-green-300 bg-green-50 p-5 dark:border-green-800 dark:bg-green-950/40">
      <div>
        <h2 id="created-heading" className="text-lg font-semibold">{title}</h2>
        <p className="mt-1 text-sm">
          Copy the link or the token now. <strong>This is the only time it is shown</strong>: Certdoor keeps only a hash, and once you
          close this panel the secret is gone for good.
        </p>
        {approvalsNeeded > 0 ? (
          <p className="mt-2 text-sm font-medium text-amber-800 dark:text-amber-300" data-testid="created-pending-approval">
            It works once {approvalsNeeded === 1 ? "one more person approves" : `${approvalsNeeded} more people approve`} it (this Frontdoor&apos;s two-person rule); they were told on the
            Approvals page. Redeeming it before then says it is waiting for approval; you may pass the link on now.
          </p>
        ) : null}
        {delivery ? <DeliveryNote delivery={delivery} /> : null}
      </div>
      <div className="grid gap-5 md:grid-cols-[1fr_auto]">
        <div className="min-w-0 space-y-4">
          <div className="space-y-1">
            <p className="text-sm font-medium">Redemption link (for people)</p>
            <code data-testid="redemption-link" className="block break-all rounded bg-white p-2 text-xs dark:bg-zinc-900">{redemptionUrl}</code>
            <CopyButton text={redemptionUrl} label="Copy link" />
          </div>
          <div className="space-y-1">
            <p className="text-sm font-medium">Token (for systems)</p>
            <code data-testid="token-secret" className="block break-all rounded bg-white p-2 text-xs dark:bg-zinc-900">{token}</code>
            <CopyButton text={token} label="Copy token" />
          </div>
        </div>
        {qr ? (
          <div className="w-44 rounded bg-white p-2" aria-label="QR code of the redemption link" role="img" dangerouslySetInnerHTML={{ __html: qr }} />
        ) : null}
      </div>
      {toolSha256 ? <RedeemToolBlock origin={origin} frontdoorId={frontdoorId} sha256={toolSha256} token={token} /> : null}
      <div className="space-y-1">
        <p className="text-sm font-medium">With openssl and curl</p>
        <pre className="overflow-x-auto rounded bg-zinc-900 p-3 text-xs text-zinc-100"><code>{commands}</code></pre>
        <CopyButton text={commands} label="Copy commands" />
      </div>
      <Button onClick={onClose}>I have saved it — close</Button>
    </section>
  );
}
