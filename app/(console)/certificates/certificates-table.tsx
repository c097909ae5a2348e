"use client";

import Link from "next/link";
import { useState } from "react";
import { Pager, SearchAndStatus, useDebouncedSearch, useListQuery } from "@/components/console/list-controls";
import { StatusBadge } from "@/components/console/status-badge";
import { EmptyState } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { Select } from "@/components/ui/field";
import { Table, Td, Th } from "@/components/ui/table";
import { queryKeys } from "@/lib/console/query-keys";

type Certificate = {
  id: string;
  commonName: string;
  organization: string | null;
  organizationalUnit: string | null;
  serialNumber: string;
  keyAlgorithm: string;
  notAfter: string;
  status: "valid" | "revoked" | "expired";
  renewedFromId: string | null;
  renewedById: string | null;
};

function FilterSelect(props: { id: string; label: string; value: string; onChange: (value: string) => void; options: [string, string][] }) {
  return (
    <div className="w-44">
      <label htmlFor={props.id} className="block text-sm font-medium">{props.label}</label>
      <Select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.options.map(([value, text]) => <option key={value} value={value}>{text}</option>)}
      </Select>
    </div>
  );
}

type Filters = { status: string; expiringWithin: string; renewed: string };

export function CertificatesTable({ frontdoorId, initial }: { frontdoorId: string; initial: Filters }) {
  const [status, setStatus] = useState(initial.status);
  const [expiringWithin, setExpiringWithin] = useState(initial.expiringWithin);
  const [renewed, setRenewed] = useState(initial.renewed);
  const [page, setPage] = useState(0);
  const { search, setSearch, q } = useDebouncedSearch(() => setPage(0));
  const params = { page, size: 20, status, q, expiringWithin, renewed, sort: expiringWithin ? "notAfter,asc" : "createdAt,desc" };
  const filtered = Boolean(q || status || expiringWithin || renewed);
  const choose = (set: (value: string) => void) => (value: string) => {
    set(value);
    setPage(0);
  };
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
          onStatus={choose(setStatus)}
        />
        <FilterSelect id="cert-expiring" label="Ends" value={expiringWithin} onChange={choose(setExpiringWithin)} options={[["", "Any time"], ["P30D", "Within 30 days"]]} />
        <FilterSelect id="cert-renewed" label="Renewal" value={renewed} onChange={choose(setRenewed)} options={[["", "All"], ["true", "Renewed"], ["false", "Not renewed"]]} />
      </div>
      {query.isPending ? (
        <p role="status" className="text-sm">Loading certificates…</p>
      ) : query.isError ? (
        <p role="alert" className="text-sm text-red-700">{query.error.message}</p>
      ) : query.data.content.length === 0 ? (
        <EmptyState title={filtered ? "No certificate matches" : "No certificates yet"}>Certificates appear here when tokens are redeemed.</EmptyState>
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
                <Td className="font-medium">
                  <Link className="hover:underline" href={`/certificates/${c.id}`}>{c.commonName}</Link>
                  {c.renewedById ? <span className="ml-2 rounded bg-zinc-100 px-1.5 py-0.5 text-xs font-normal dark:bg-zinc-800">renewed</span> : null}
                </Td>
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
