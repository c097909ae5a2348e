import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { DetailItem } from "@/components/ui/detail-item";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { orNotFound } from "@/lib/console/or-not-found";
import { canAdminister } from "@/lib/domain/access/permissions";
import { DELIVERY_LOG_SIZE, findWebhook, listDeliveries } from "@/lib/domain/webhooks";
import { AutoRefresh, DeleteWebhook, EnableWebhook, Redeliver, SendTestEvent } from "./endpoint-controls";

export const metadata: Metadata = { title: "Webhook" };

export default async function WebhookPage({ params }: { params: Promise<{ webhookId: string }> }) {
  const user = await requireUser();
  const w = await orNotFound(findWebhook(user, decodeURIComponent((await params).webhookId)));
  const deliveries = await listDeliveries(user, w.frontdoorId, w.id);
  const isAdmin = canAdminister(user);
  const ids = { frontdoorId: w.frontdoorId, webhookId: w.id };
  return (
    <>
      <AutoRefresh />
      <PageHeader title="Webhook" description={<span className="break-all font-mono text-xs">{w.url}</span>} />
      <p className="mb-4 text-sm">
        <Link className="underline" href={`/webhooks?frontdoor=${w.frontdoorId}`}>All webhooks of this Frontdoor</Link>
      </p>
      <Card className="mb-6">
        <dl className="divide-y divide-zinc-200 dark:divide-zinc-800">
          <DetailItem label="Status">
            <span data-testid="webhook-status"><Badge tone={w.enabled ? "green" : "red"}>{w.enabled ? "enabled" : "disabled"}</Badge></span>
          </DetailItem>
          {w.disabledAt ? (
            <DetailItem label="Disabled">
              <RelativeTime value={w.disabledAt} />: <span data-testid="webhook-disabled-reason">{w.disabledReason}</span>
            </DetailItem>
          ) : null}
          {w.failingSince && w.enabled ? <DetailItem label="Failing since"><RelativeTime value={w.failingSince} /> (disabled after 24 hours of failures)</DetailItem> : null}
          <DetailItem label="Events"><span className="font-mono text-xs">{w.events.join(", ")}</span></DetailItem>
          <DetailItem label="Description">{w.description}</DetailItem>
          <DetailItem label="Id"><span className="font-mono text-xs">{w.id}</span></DetailItem>
          <DetailItem label="Created"><RelativeTime value={w.createdAt} /></DetailItem>
        </dl>
        {isAdmin ? (
          <div className="mt-4 flex flex-wrap gap-2">
            {w.enabled ? <SendTestEvent {...ids} /> : <EnableWebhook {...ids} />}
            <DeleteWebhook {...ids} url={w.url} />
          </div>
        ) : null}
      </Card>
      <h2 className="mb-2 text-lg font-semibold">Deliveries</h2>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">The last {DELIVERY_LOG_SIZE} attempts, newest first. A failed attempt is retried with growing pauses for 24 hours.</p>
      {deliveries.length === 0 ? (
        <EmptyState title="No deliveries yet">Events this endpoint subscribes to show up here as they are sent.</EmptyState>
      ) : (
        <Table label="Deliveries">
          <thead>
            <tr>
              <Th>Time</Th>
              <Th>Event</Th>
              <Th>Attempt</Th>
              <Th>Result</Th>
              <Th>Latency</Th>
              <Th>Response</Th>
              {isAdmin && w.enabled ? <Th>Actions</Th> : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {deliveries.map((d) => {
              const isOk = d.statusCode !== null && d.statusCode >= 200 && d.statusCode < 300;
              return (
                <tr key={d.id}>
                  <Td><RelativeTime value={d.createdAt} /></Td>
                  <Td>
                    <span className="font-mono text-xs">{d.type}</span>
                    <p className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{d.eventId}</p>
                  </Td>
                  <Td>{d.attempt}</Td>
                  <Td><Badge tone={isOk ? "green" : "red"}>{d.statusCode !== null ? `HTTP ${d.statusCode}` : "no answer"}</Badge></Td>
                  <Td>{d.latencyMs} ms</Td>
                  <Td className="max-w-md break-words font-mono text-xs">{d.error ?? d.responseSnippet}</Td>
                  {isAdmin && w.enabled ? <Td><Redeliver {...ids} deliveryId={d.id} eventId={d.eventId} /></Td> : null}
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
    </>
  );
}
