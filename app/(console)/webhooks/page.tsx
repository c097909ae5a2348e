import type { Metadata } from "next";
import Link from "next/link";
import { FrontdoorPicker } from "@/components/console/frontdoor-picker";
import { Badge } from "@/components/ui/badge";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { frontdoorChoice } from "@/lib/console/frontdoor-choice";
import { canAdminister, canReadEverything } from "@/lib/domain/access/permissions";
import { listWebhooks } from "@/lib/domain/webhooks";
import { env } from "@/lib/env";
import { WEBHOOK_EVENT_TYPES } from "@/lib/validation/webhooks";
import { CreateWebhook } from "./create-webhook";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  if (!canReadEverything(user)) return <EmptyState title="Webhooks">Administrators manage webhooks; auditors can read them.</EmptyState>;
  const { frontdoors, current, isUnknown } = await frontdoorChoice(user, (await searchParams).frontdoor);
  if (isUnknown) return <p role="alert" className="text-sm">That Frontdoor does not exist.</p>;
  if (!current) return <EmptyState title="No Frontdoors">Create a Frontdoor first.</EmptyState>;
  const webhooks = await listWebhooks(user, current.id);
  const isAdmin = canAdminister(user);
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="HTTPS endpoints that get this Frontdoor's events as signed POSTs (Standard Webhooks), retried for 24 hours."
      />
      <div className="mb-4">
        <FrontdoorPicker frontdoors={frontdoors} current={current.id} />
      </div>
      {isAdmin ? (
        <Card className="mb-6">
          <CreateWebhook frontdoorId={current.id} eventTypes={[...WEBHOOK_EVENT_TYPES]} allowsPrivateTargets={env.WEBHOOK_ALLOW_PRIVATE_NETWORKS} />
        </Card>
      ) : null}
      {webhooks.length === 0 ? (
        <EmptyState title="No webhooks">{isAdmin ? "Register an endpoint above." : "An administrator has not registered any endpoint here."}</EmptyState>
      ) : (
        <Table label="Webhooks">
          <thead>
            <tr>
              <Th>Endpoint</Th>
              <Th>Events</Th>
              <Th>Status</Th>
              <Th>Created</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {webhooks.map((w) => (
              <tr key={w.id}>
                <Td>
                  <Link className="break-all font-mono text-xs underline" href={`/webhooks/${w.id}`}>{w.url}</Link>
                  {w.description ? <p className="text-xs text-zinc-500 dark:text-zinc-400">{w.description}</p> : null}
                </Td>
                <Td className="text-xs">{w.events.join(", ")}</Td>
                <Td>
                  <Badge tone={w.enabled ? "green" : "red"}>{w.enabled ? "enabled" : "disabled"}</Badge>
                  {w.disabledReason ? <p className="mt-1 max-w-sm text-xs text-red-700 dark:text-red-300">{w.disabledReason}</p> : null}
                </Td>
                <Td><RelativeTime value={w.createdAt} /></Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
