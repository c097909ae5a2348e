"use client";

import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";

/** Recovery codes, shown this once, to copy or write down. */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <section aria-labelledby="recovery-codes-heading" className="space-y-3 rounded-lg border border-green-300 bg-green-50 p-4 dark:border-green-800 dark:bg-green-950/40">
      <h3 id="recovery-codes-heading" className="font-semibold">Your recovery codes</h3>
      <p className="text-sm">
        Each code signs you in once if you lose your authenticator app or passkey. <strong>They are shown only now</strong>: Certdoor keeps
        only hashes of them. Keep them somewhere safe, apart from your password.
      </p>
      <ol data-testid="recovery-codes" className="grid grid-cols-2 gap-x-6 gap-y-1 rounded bg-white p-3 font-mono text-sm dark:bg-zinc-900">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
      <div className="flex flex-wrap gap-2">
        <CopyButton text={codes.join("\n")} label="Copy codes" />
        <Button onClick={onDone}>I have saved them</Button>
      </div>
    </section>
  );
}
