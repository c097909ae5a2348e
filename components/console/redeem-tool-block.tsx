import { CopyButton } from "@/components/ui/copy-button";
import { redeemToolCommands } from "@/lib/tools/redeem-tool-commands";

// "With certdoor-redeem.mjs": for a machine that has Node and the token but no Certdoor. The
// SHA-256 beside the commands is the served file's, so whoever runs it can check it first.
// No hooks: it renders in the once-shown panel (client) and on the token page (server).

type Props = { origin: string; frontdoorId: string; sha256: string; token?: string };

export function RedeemToolBlock({ origin, frontdoorId, sha256, token }: Props) {
  const commands = redeemToolCommands(origin, frontdoorId, sha256, token);
  return (
    <div className="space-y-1" data-testid="redeem-tool">
      <p className="text-sm font-medium">With certdoor-redeem.mjs (Node.js 20 or newer, nothing to install)</p>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        Makes the key on that machine and writes key.pem, cert.pem and ca.pem to ./mtls. SHA-256 of the file:{" "}
        <code data-testid="redeem-tool-sha256" className="break-all font-mono">{sha256}</code>
      </p>
      <pre className="overflow-x-auto rounded bg-zinc-900 p-3 text-xs text-zinc-100"><code>{commands}</code></pre>
      <CopyButton text={commands} label="Copy tool commands" />
    </div>
  );
}
