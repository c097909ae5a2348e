"use client";

import { useEffect, useState } from "react";
import { sanRows } from "@/lib/format/subject-alt-names";
import type { PreviewResult } from "@/lib/pki/browser/api";

function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

function countdown(ms: number): string {
  if (ms <= 0) return "expired";
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = d > 0 ? [`${d}d`, `${h}h`, `${m}m`] : h > 0 ? [`${h}h`, `${m}m`, `${s % 60}s`] : [`${m}m`, `${s % 60}s`];
  return `in ${parts.join(" ")}`;
}

function Row({ label, value }: { label: string; value: string | null }) {
  return (
    <div className="grid grid-cols-3 gap-2 py-1.5">
      <dt className="text-sm text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="col-span-2 text-sm font-medium break-words">
        {value ?? <span className="font-normal italic text-zinc-500 dark:text-zinc-400">from your request</span>}
      </dd>
    </div>
  );
}

/** The pre-approved certificate the user will get, and how long the token stays valid. */
export function TokenPreview({ preview, onExpired }: { preview: PreviewResult; onExpired: () => void }) {
  const now = useNow();
  const expiresAt = new Date(preview.token.expiresAt);
  const remaining = expiresAt.getTime() - now;
  useEffect(() => {
    if (remaining <= 0) onExpired();
  }, [remaining, onExpired]);

  return (
    <section aria-labelledby="preview-heading" className="space-y-3">
      <h2 id="preview-heading" className="text-lg font-semibold">
        A client certificate for Frontdoor <span data-testid="frontdoor-name">{preview.frontdoor.name}</span>
      </h2>
      <p id="will-say" className="text-sm text-zinc-600 dark:text-zinc-400">Your certificate will say…</p>
      <dl aria-labelledby="will-say" className="divide-y divide-zinc-200 rounded-md border border-zinc-200 px-4 dark:divide-zinc-800 dark:border-zinc-800" data-testid="subject">
        <Row label="Common name (CN)" value={preview.token.commonName} />
        <Row label="Organization (O)" value={preview.token.organization} />
        <Row label="Organizational unit (OU)" value={preview.token.organizationalUnit} />
        {/* Exactly the token's alternative names; none come from the request, so no row says "from your request". */}
        {sanRows(preview.token.subjectAltNames).map(({ kind, label, values }) => (
          <Row key={kind} label={label} value={values.join(", ")} />
        ))}
        <Row label="Certificate valid for" value={`${preview.token.validDays} days`} />
      </dl>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        This token expires <time dateTime={expiresAt.toISOString()} data-testid="countdown">{countdown(remaining)}</time> (
        {expiresAt.toLocaleString()}). It can be used once.
      </p>
    </section>
  );
}
