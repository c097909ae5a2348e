import type { AuditEventView } from "@/lib/domain/audit/log";

const WORDS: Record<string, string> = {
  "token.created": "Created",
  "token.updated": "Updated",
  "token.expired": "Expired by hand",
  "token.revoked": "Revoked",
  "token.redeemed": "Redeemed",
  "token.redeem_failed": "Failed redemption attempt",
  "certificate.issued": "Certificate issued",
  "certificate.revoked": "Certificate revoked",
};

/** A token's history from the audit trail: who, what, when, from where. */
export function Timeline({ events }: { events: AuditEventView[] }) {
  if (events.length === 0) return <p className="text-sm text-zinc-500 dark:text-zinc-400">No events.</p>;
  return (
    <ol className="space-y-3 border-l border-zinc-300 pl-4 dark:border-zinc-700" aria-label="Timeline">
      {events.map((e) => {
        const code = typeof e.details === "object" && e.details && "code" in e.details ? String((e.details as { code: unknown }).code) : null;
        return (
          <li key={e.id} className="text-sm" data-testid="timeline-event">
            <p className="font-medium">
              {WORDS[e.action] ?? e.action}
              {code ? <span className="font-normal text-red-700 dark:text-red-400"> ({code})</span> : null}
            </p>
            <p className="text-zinc-600 dark:text-zinc-400">
              <time dateTime={e.at.toISOString()}>{e.at.toISOString().replace("T", " ").slice(0, 19)} UTC</time>
              {e.actorLabel ? ` · ${e.actorKind === "token" ? "by the token holder" : e.actorLabel}` : ""}
              {e.ip ? ` · from ${e.ip}` : ""}
            </p>
          </li>
        );
      })}
    </ol>
  );
}
