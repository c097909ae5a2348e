"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Pager, SearchAndStatus, useDebouncedSearch, useListQuery } from "@/components/console/list-controls";
import { StatusBadge } from "@/components/console/status-badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { queryKeys } from "@/lib/console/query-keys";
import { TOKEN_STATUSES, type TokenStatus } from "@/lib/domain/tokens/status";
import { previewPurgeAction, purgeTokensAction, revokeTokensAction } from "./actions";
import { TokenActions } from "./token-actions";

type Token = {
  id: string;
  name: string;
  status: TokenStatus;
  commonName: string | null;
  organization: string | null;
  organizationalUnit: string | null;
  tokenHint: string;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string;
  redeemedAt: string | null;
};

const SORTABLE = { name: "Name", createdAt: "Created (by)", expiresAt: "Expires", redeemedAt: "Redeemed" } as const;

/** The live token list: server-paginated, filtered, searchable, refreshed every few seconds. */
export function TokensTable({ frontdoorId, canOperate, initialStatus = "" }: { frontdoorId: string; canOperate: boolean; initialStatus?: string }) {
  const [status, setStatus] = useState(initialStatus);
  const [page, setPage] = useState(0);
  const { search, setSearch, q } = useDebouncedSearch(() => setPage(0));
  const [sort, setSort] = useState("createdAt,desc");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<null | { kind: "bulk" } | { kind: "purge"; count: number; retention: string }>(null);
  const [isPending, startTransition] = useTransition();
  const queryClient = useQueryClient();

  const params = { page, size: 20, sort, status, q };
  const query = useListQuery<Token>({
    key: queryKeys.tokens(frontdoorId, params),
    url: `/frontdoor/${frontdoorId}/certificate-request-tokens`,
    params,
    refetchInterval: 3000, // a token redeemed elsewhere turns "redeemed" within seconds
    what: "tokens",
  });

  const refresh = () => queryClient.invalidateQueries({ queryKey: ["tokens"] });
  const toggle = (id: string) => setSelected((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  const activeRows = query.data?.content.filter((t) => t.status === "active") ?? [];
  const sortBy = (field: string) => setSort((current) => (current === `${field},asc` ? `${field},desc` : `${field},asc`));
  const exportHref = `/tokens/export?${new URLSearchParams({ frontdoor: frontdoorId, sort, ...(status ? { status } : {}), ...(q ? { q } : {}) })}`;

  function bulkRevoke() {
    startTransition(async () => {
      const result = await revokeTokensAction(frontdoorId, [...selected]);
      if (result.ok) toast.success(`Revoked ${result.data.revoked.length} token${result.data.revoked.length === 1 ? "" : "s"}`);
      else toast.error(result.message);
      setSelected(new Set());
      setDialog(null);
      void refresh();
    });
  }

  function previewPurge() {
    startTransition(async () => {
      const result = await previewPurgeAction(frontdoorId);
      if (result.ok) setDialog({ kind: "purge", count: result.data.count, retention: result.data.retention });
      else toast.error(result.message);
    });
  }

  function purge() {
    startTransition(async () => {
      const result = await purgeTokensAction(frontdoorId);
      if (result.ok) toast.success(`Purged ${result.data.deleted} token${result.data.deleted === 1 ? "" : "s"}`);
      else toast.error(result.message);
      setDialog(null);
      void refresh();
    });
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <SearchAndStatus
          idPrefix="token"
          placeholder="Name, CN, O or OU"
          search={search}
          onSearch={setSearch}
          status={status}
          statuses={[...TOKEN_STATUSES]}
          onStatus={(value) => {
            setStatus(value);
            setPage(0);
          }}
        />
        <div className="ml-auto flex flex-wrap gap-2">
          <a href={exportHref} className="inline-flex items-center rounded-md border border-zinc-300 px-3 py-2 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800" download>
            Export CSV
          </a>
          {canOperate ? (
            <>
              <Button variant="secondary" disabled={isPending} onClick={previewPurge}>Purge expired</Button>
              <Button variant="danger" disabled={selected.size === 0 || isPending} onClick={() => setDialog({ kind: "bulk" })}>
                Revoke selected ({selected.size})
              </Button>
            </>
          ) : null}
        </div>
      </div>

      {query.isPending ? (
        <p role="status" className="text-sm text-zinc-600">Loading tokens…</p>
      ) : query.isError ? (
        <p role="alert" className="text-sm text-red-700">{query.error.message}</p>
      ) : query.data.content.length === 0 ? (
        <EmptyState title={q || status ? "No token matches" : "No tokens yet"}>{q || status ? "Change the filter or the search." : "Create one to hand out a certificate."}</EmptyState>
      ) : (
        <Table label="Tokens">
          <thead>
            <tr>
              {canOperate ? (
                <Th className="w-8">
                  <input
                    type="checkbox"
                    aria-label="Select all active tokens on this page"
                    className="size-4"
                    checked={activeRows.length > 0 && activeRows.every((t) => selected.has(t.id))}
                    onChange={(e) => setSelected(e.target.checked ? new Set(activeRows.map((t) => t.id)) : new Set())}
                  />
                </Th>
              ) : null}
              <Th>Status</Th>
              {(["name"] as const).map((f) => (
                <Th key={f} aria-sort={sort.startsWith(`${f},`) ? (sort.endsWith("asc") ? "ascending" : "descending") : undefined}>
                  <button type="button" onClick={() => sortBy(f)} className="uppercase">{SORTABLE[f]}</button>
                </Th>
              ))}
              <Th>CN / O / OU</Th>
              <Th>Token</Th>
              {(["createdAt", "expiresAt", "redeemedAt"] as const).map((f) => (
                <Th key={f} aria-sort={sort.startsWith(`${f},`) ? (sort.endsWith("asc") ? "ascending" : "descending") : undefined}>
                  <button type="button" onClick={() => sortBy(f)} className="uppercase">{SORTABLE[f]}</button>
                </Th>
              ))}
              {canOperate ? <Th>Actions</Th> : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {query.data.content.map((t) => (
              <tr key={t.id} data-testid={`token-row-${t.id}`}>
                {canOperate ? (
                  <Td>
                    {t.status === "active" ? (
                      <input type="checkbox" className="size-4" aria-label={`Select ${t.name}`} checked={selected.has(t.id)} onChange={() => toggle(t.id)} />
                    ) : null}
                  </Td>
                ) : null}
                <Td data-testid="token-status"><StatusBadge status={t.status} /></Td>
                <Td className="font-medium"><Link className="hover:underline" href={`/tokens/${t.id}`}>{t.name}</Link></Td>
                <Td className="text-xs">{[t.commonName, t.organization, t.organizationalUnit].filter(Boolean).join(" / ") || "—"}</Td>
                <Td className="whitespace-nowrap font-mono text-xs">{t.tokenHint}</Td>
                <Td>
                  <RelativeTime value={t.createdAt} />
                  <div className="text-xs text-zinc-500 dark:text-zinc-400">by {t.createdBy ?? "the system"}</div>
                </Td>
                <Td><RelativeTime value={t.expiresAt} /></Td>
                <Td><RelativeTime value={t.redeemedAt} /></Td>
                {canOperate ? <Td>{t.status === "active" ? <TokenActions frontdoorId={frontdoorId} tokenId={t.id} name={t.name} compact /> : null}</Td> : null}
              </tr>
            ))}
          </tbody>
        </Table>
      )}

      <Pager data={query.data} what="tokens" onPage={setPage} />

      <ConfirmDialog
        isOpen={dialog?.kind === "bulk"}
        title={`Revoke ${selected.size} token${selected.size === 1 ? "" : "s"}?`}
        confirmLabel="Revoke"
        isDestructive
        isBusy={isPending}
        onCancel={() => setDialog(null)}
        onConfirm={bulkRevoke}
      >
        They can no longer be redeemed. Their history stays.
      </ConfirmDialog>
      <ConfirmDialog
        isOpen={dialog?.kind === "purge"}
        title="Purge expired and revoked tokens?"
        confirmLabel={dialog?.kind === "purge" && dialog.count === 0 ? "Nothing to purge" : "Purge"}
        isDestructive
        isBusy={isPending || (dialog?.kind === "purge" && dialog.count === 0)}
        onCancel={() => setDialog(null)}
        onConfirm={purge}
      >
        <span data-testid="purge-preview">
          {dialog?.kind === "purge" ? `${dialog.count} token${dialog.count === 1 ? "" : "s"} expired or revoked more than ${dialog.retention} ago would be deleted.` : ""}
        </span>{" "}
        Audit events stay.
      </ConfirmDialog>
    </div>
  );
}
