"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";

// What the live tables (tokens, certificates) share: a debounced search, a status filter,
// the fetch of one page from the REST API with the session cookie, and the pager.

export type ListPage<T> = { content: T[]; totalElements: number; totalPages: number; page: number; size: number };

/** The search box's text, and the settled query 250 ms after typing stops. */
export function useDebouncedSearch(onSettle: () => void) {
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(search.trim());
      onSettle();
    }, 250);
    return () => clearTimeout(timer);
    // Only typing restarts the timer; onSettle (a page reset) may change identity freely.
  }, [search]);
  return { search, setSearch, q };
}

export function useListQuery<T>(options: { key: readonly unknown[]; url: string; params: Record<string, string | number>; refetchInterval: number; what: string }) {
  return useQuery({
    queryKey: options.key,
    queryFn: async (): Promise<ListPage<T>> => {
      const search = new URLSearchParams(Object.entries(options.params).filter(([, v]) => v !== "").map(([k, v]) => [k, String(v)]));
      const response = await fetch(`${options.url}?${search}`, { credentials: "same-origin" });
      if (!response.ok) throw new Error((await response.json().catch(() => ({}))).detail ?? `Could not load ${options.what}`);
      return response.json();
    },
    placeholderData: keepPreviousData,
    refetchInterval: options.refetchInterval,
  });
}

export function SearchAndStatus(props: {
  idPrefix: string;
  placeholder: string;
  search: string;
  onSearch: (value: string) => void;
  status: string;
  statuses: string[];
  onStatus: (value: string) => void;
}) {
  return (
    <>
      <div className="w-64">
        <label htmlFor={`${props.idPrefix}-search`} className="block text-sm font-medium">Search</label>
        <Input id={`${props.idPrefix}-search`} type="search" placeholder={props.placeholder} value={props.search} onChange={(e) => props.onSearch(e.target.value)} />
      </div>
      <div className="w-40">
        <label htmlFor={`${props.idPrefix}-status`} className="block text-sm font-medium">Status</label>
        <Select id={`${props.idPrefix}-status`} value={props.status} onChange={(e) => props.onStatus(e.target.value)}>
          <option value="">All</option>
          {props.statuses.map((s) => (
            <option key={s} value={s}>{s[0]!.toUpperCase() + s.slice(1).replaceAll("_", " ")}</option>
          ))}
        </Select>
      </div>
    </>
  );
}

export function Pager({ data, what, onPage }: { data: ListPage<unknown> | undefined; what: string; onPage: (page: number) => void }) {
  if (!data || data.totalPages <= 1) return null;
  return (
    <nav aria-label="Pages" className="flex items-center justify-between text-sm">
      <span>
        Page {data.page + 1} of {data.totalPages} · {data.totalElements} {what}
      </span>
      <div className="flex gap-2">
        <Button variant="secondary" disabled={data.page === 0} onClick={() => onPage(data.page - 1)}>Previous</Button>
        <Button variant="secondary" disabled={data.page + 1 >= data.totalPages} onClick={() => onPage(data.page + 1)}>Next</Button>
      </div>
    </nav>
  );
}
