"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { isFrontdoorId, isTokenSecret, parseRedemptionTarget, type RedemptionTarget } from "@/lib/wire/redeem-link";

/** For a page opened without a link fragment: paste the link, or the Frontdoor id and token. */
export function TokenEntry({ onSubmit }: { onSubmit: (target: RedemptionTarget) => void }) {
  const [link, setLink] = useState("");
  const [frontdoorId, setFrontdoorId] = useState("");
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const fromLink = parseRedemptionTarget(link);
    if (fromLink) return onSubmit(fromLink);
    if (isFrontdoorId(frontdoorId) && isTokenSecret(token)) return onSubmit({ frontdoorId: frontdoorId.trim().toLowerCase(), token: token.trim() });
    setError("Paste the whole redemption link, or both the Frontdoor ID and the token (it starts with crt_).");
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Enter your token">
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        Open the redemption link you were sent, or paste it here. Nothing is generated until you confirm.
      </p>
      <Field id="link" label="Redemption link">
        <Input id="link" value={link} onChange={(e) => setLink(e.target.value)} placeholder="https://…/redeem#…" autoComplete="off" spellCheck={false} />
      </Field>
      <details className="text-sm">
        <summary className="cursor-pointer">I have the Frontdoor ID and the token separately</summary>
        <div className="mt-3 grid gap-3 sm:grid-cols-2">
          <Field id="frontdoor-id" label="Frontdoor ID">
            <Input id="frontdoor-id" value={frontdoorId} onChange={(e) => setFrontdoorId(e.target.value)} autoComplete="off" spellCheck={false} />
          </Field>
          <Field id="token" label="Token">
            <Input id="token" value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" spellCheck={false} placeholder="crt_…" />
          </Field>
        </div>
      </details>
      {error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
      <Button type="submit">Continue</Button>
    </form>
  );
}
