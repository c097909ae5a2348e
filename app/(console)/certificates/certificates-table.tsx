"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { StatusBadge } from "@/components/console/status-badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/field";
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
type Page = { content: Certificate[]; totalElements: number; totalPages: number; page: number };

export function CertificatesTable({ frontdoorId }: { frontdoorId: string }) {
  const [status, setStatus] = useState("");
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [page, setPage] = useState(0);
  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(search.trim());
      setPage(0);
    }, 250);
    return () => clearTimeout(timer);
  }, [search]);

  const params = { page, size: 20, status, q, sort: "createdAt,desc" };
  const query = useQuery({
    queryKey: queryKeys.certificates(frontdoorId, params),
    queryFn: async (): Promise<Page> => {
      const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "").map(([k, v]) => [k, String(v)]));
      const response = await fetch(`/frontdoor/${frontdoorId}/client-certificates?${search}`, { credentials: "same-origin" });
      if (!response.ok) throw new Error((await response.json()).detail ?? "Could not load certificates");
      return response.json();
    },
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <div className="w-64">
          <label htmlFor="cert-search" className="block text-sm font-medium">Search</label>
          <Input id="cert-search" type="search" placeholder="CN, O, OU or serial" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <div className="w-40">
          <label htmlFor="cert-status" className="block text-sm font-medium">Status</label>
          <Select id="cert-status" value={status} onChange={(e) => { setStatus(e.target.value); setPage(0); }}>
            <option value="">All</option>
            <option value="valid">Valid</option>
            <option value="revoked">Revoked</option>
            <option value="expired">Expired</option>
          </Select>
        </div>
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
                <Td className="text-xs">{[c.organization, c.organizationalUnit].map((v) => v ?? "—").join(" / ")}</Td>
                <Td className="font-mono text-xs">{c.serialNumber}</Td>
                <Td className="text-xs">{c.keyAlgorithm}</Td>
                <Td><RelativeTime value={c.notAfter} /></Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {query.data && query.data.totalPages > 1 ? (
        <nav aria-label="Pages" className="flex items-center justify-between text-sm">
          <span>Page {query.data.page + 1} of {query.data.totalPages}</span>
          <div className="flex gap-2">
            <Button variant="secondary" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>Previous</Button>
            <Button variant="secondary" disabled={page + 1 >= query.data.totalPages} onClick={() => setPage((p) => p + 1)}>Next</Button>
          </div>
        </nav>
      ) : null}
    </div>
  );
}
