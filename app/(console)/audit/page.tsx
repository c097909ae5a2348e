import type { Metadata } from "next";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/field";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { auditActions, listAuditEvents } from "@/lib/domain/audit/log";
import { isAppError } from "@/lib/domain/errors";
import { listFrontdoors } from "@/lib/domain/frontdoors";
import { canReadEverything } from "@/lib/domain/access/permissions";

export const metadata: Metadata = { title: "Audit" };

type Params = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : "");

function targetLink(kind: string | null, id: string | null) {
  if (!id) return "—";
  if (kind === "token") return <Link className="underline" href={`/tokens/${id}`}>{id}</Link>;
  if (kind === "certificate") return <Link className="underline" href={`/certificates/${id}`}>{id}</Link>;
  return <span className="font-mono">{id}</span>;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requireUser();
  if (!canReadEverything(user)) {
    return (
      <>
        <PageHeader title="Audit" />
        <p role="alert" className="text-sm">The audit trail is for administrators and auditors.</p>
      </>
    );
  }
  const params = await searchParams;
  const filter = { action: one(params.action), actor: one(params.actor), frontdoorId: one(params.frontdoor), from: one(params.from), to: one(params.to), targetId: one(params.target) };
  const page = Math.max(0, Number(one(params.page)) || 0);
  const [frontdoors, actions] = await Promise.all([listFrontdoors(user), auditActions(user)]);
  const names = new Map(frontdoors.map((f) => [f.id, f.name]));
  let result;
  try {
    result = await listAuditEvents(user, { ...filter, page, size: 50 });
  } catch (error) {
    if (!isAppError(error)) throw error;
    result = null;
  }
  const link = (p: number) => `/audit?${new URLSearchParams({ ...Object.fromEntries(Object.entries({ ...filter, frontdoor: filter.frontdoorId, target: filter.targetId }).filter(([k, v]) => v && k !== "frontdoorId" && k !== "targetId")), page: String(p) })}`;

  return (
    <>
      <PageHeader title="Audit" description="Every change and every redemption attempt, in a hash-chained log (certdoor audit verify)." />
      <form method="get" className="mb-6 grid gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-label="Filter the audit trail">
        <div>
          <label htmlFor="f-action" className="block text-sm font-medium">Action</label>
          <Select id="f-action" name="action" defaultValue={filter.action}>
            <option value="">Any</option>
            {actions.map((a) => (
              <option key={a} value={a}>{a}</option>
            ))}
          </Select>
        </div>
        <div>
          <label htmlFor="f-actor" className="block text-sm font-medium">Actor</label>
          <Input id="f-actor" name="actor" defaultValue={filter.actor} placeholder="email" />
        </div>
        <div>
          <label htmlFor="f-frontdoor" className="block text-sm font-medium">Frontdoor</label>
          <Select id="f-frontdoor" name="frontdoor" defaultValue={filter.frontdoorId}>
            <option value="">Any</option>
            {frontdoors.map((f) => (
              <option key={f.id} value={f.id}>{f.name}</option>
            ))}
          </Select>
        </div>
        <div>
          <label htmlFor="f-from" className="block text-sm font-medium">From</label>
          <Input id="f-from" name="from" type="date" defaultValue={filter.from} />
        </div>
        <div>
          <label htmlFor="f-to" className="block text-sm font-medium">To</label>
          <Input id="f-to" name="to" type="date" defaultValue={filter.to} />
        </div>
        <div className="flex items-end gap-2">
          {filter.targetId ? <input type="hidden" name="target" value={filter.targetId} /> : null}
          <Button type="submit">Filter</Button>
          <Link href="/audit" className="px-2 py-2 text-sm underline">Clear</Link>
        </div>
      </form>
      {!result ? (
        <p role="alert" className="text-sm">The filter is not valid.</p>
      ) : result.content.length === 0 ? (
        <EmptyState title="No events match" />
      ) : (
        <>
          <Table label="Audit events">
            <thead>
              <tr>
                <Th>Time (UTC)</Th>
                <Th>Actor</Th>
                <Th>Action</Th>
                <Th>Frontdoor</Th>
                <Th>Target</Th>
                <Th>IP</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {result.content.map((e) => (
                <tr key={e.id} data-testid="audit-row">
                  <Td className="whitespace-nowrap font-mono text-xs">{e.at.toISOString().replace("T", " ").slice(0, 19)}</Td>
                  <Td className="text-xs">{e.actorLabel ?? e.actorKind}{e.actorKind === "api_key" ? " (API key)" : ""}</Td>
                  <Td className="text-xs font-medium">{e.action}</Td>
                  <Td className="text-xs">{e.frontdoorId ? (names.get(e.frontdoorId) ?? e.frontdoorId) : "—"}</Td>
                  <Td className="text-xs">{targetLink(e.targetKind, e.targetId)}</Td>
                  <Td className="font-mono text-xs">{e.ip ?? "—"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <nav aria-label="Pages" className="mt-4 flex items-center justify-between text-sm">
            <span>Page {result.page + 1} of {Math.max(1, result.totalPages)} · {result.totalElements} events</span>
            <div className="flex gap-3">
              {page > 0 ? <Link className="underline" href={link(page - 1)}>Newer</Link> : null}
              {page + 1 < result.totalPages ? <Link className="underline" href={link(page + 1)}>Older</Link> : null}
            </div>
          </nav>
        </>
      )}
    </>
  );
}
