"use client";

import Link from "next/link";
import { useState } from "react";
import { Pager, SearchAndStatus, useDebouncedSearch, useListQuery } from "@/components/console/list-controls";
import { StatusBadge } from "@/components/console/status-badge";
import { EmptyState } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { queryKeys } from "@/lib/query-keys";

type Certificate = {
  id: string;
  commonName: string;
  organization: string | null;
  organizationalUnit: string | null;
  serialNumber: string;
  keyAlgorithm: string;
  notAfter: string;
  status: "valid" | "revoked" | "expired";
};

export function CertificatesTable({ frontdoorId }: { frontdoorId: string }) {
  const [status, setStatus] = useState("");
  const [page, setPage] = useState(0);
  const { search, setSearch, q } = useDebouncedSearch(() => setPage(0));
  const params = { page, size: 20, status, q, sort: "createdAt,desc" };
  const query = useListQuery<Certificate>({
    key: queryKeys.certificates(frontdoorId, params),
    url: `/frontdoor/${frontdoorId}/client-certificates`,
    params,
    refetchInterval: 10_000,
    what: "certificates",
  });

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <SearchAndStatus
          idPrefix="cert"
          placeholder="CN, O, OU or serial"
          search={search}
          onSearch={setSearch}
          status={status}
          statuses={["valid", "revoked", "expired"]}
          onStatus={(value) => {
            setStatus(value);
            setPage(0);
          }}
        />
      </div>
      {query.isPending ? (
        <p role="status" className="text-sm">Loading certificates…</p>
      ) : query.isError ? (
        <p role="alert" className="text-sm text-red-700">{query.error.message}</p>
      ) : query.data.content.length === 0 ? (
        <EmptyState title={q || status ? "No certificate matches" : "No certificates yet"}>Certificates appear here when tokens are redeemed.</EmptyState>
      ) : (
        <Table label="Certificates">
          <thead>
            <tr>
              <Th>Status</Th>
              <Th>Common name</Th>
              <Th>O / OU</Th>
              <Th>Serial</Th>
              <Th>Key</Th>
              <Th>Not after</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {query.data.content.map((c) => (
              <tr key={c.id} data-testid={`certificate-row-${c.id}`}>
                <Td><StatusBadge status={c.status} /></Td>
                <Td className="font-medium"><Link className="hover:underline" href={`/certificates/${c.id}`}>{c.commonName}</Link></Td>
                <Td className="text-xs">{[c.organization, c.organizationalUnit].filter(Boolean).join(" / ") || "—"}</Td>
                <Td className="font-mono text-xs">{c.serialNumber}</Td>
                <Td className="text-xs">{c.keyAlgorithm}</Td>
                <Td><RelativeTime value={c.notAfter} /></Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <Pager data={query.data} what="certificates" onPage={setPage} />
    </div>
  );
}
