"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { ActionResult } from "@/lib/console/action";
import { deleteWebhookAction, enableWebhookAction, redeliverAction, sendTestEventAction } from "../actions";

// An endpoint's buttons (administrators). Deliveries happen in the background, so the page
// refreshes itself while it is open and the log shows them as they land.

type Ids = { frontdoorId: string; webhookId: string };

/** A button that runs one action, toasts its outcome and refreshes the page. */
type ActionButtonProps = { label: string; busyLabel: string; done: string; run: () => Promise<ActionResult<unknown>>; variant?: "primary" | "secondary"; ariaLabel?: string };

function ActionButton({ label, busyLabel, done, run, variant = "secondary", ariaLabel }: ActionButtonProps) {
  const [isPending, startTransition] = useTransition();
  const router = useRouter();
  return (
    <Button
      variant={variant}
      className="px-2 py-1 text-xs"
      disabled={isPending}
      aria-label={ariaLabel}
      onClick={() =>
        startTransition(async () => {
          const result = await run();
          if (result.ok) toast.success(done);
          else toast.error(result.message);
          router.refresh();
        })
      }
    >
      {isPending ? busyLabel : label}
    </Button>
  );
}

export function SendTestEvent({ frontdoorId, webhookId }: Ids) {
  return <ActionButton label="Send test event" busyLabel="Sending…" done="Test event queued" run={() => sendTestEventAction(frontdoorId, webhookId)} />;
}

export function EnableWebhook({ frontdoorId, webhookId }: Ids) {
  return <ActionButton variant="primary" label="Enable again" busyLabel="Enabling…" done="Webhook enabled" run={() => enableWebhookAction(frontdoorId, webhookId)} />;
}

export function Redeliver({ frontdoorId, webhookId, deliveryId, eventId }: Ids & { deliveryId: string; eventId: string }) {
  return <ActionButton label="Redeliver" ariaLabel={`Redeliver ${eventId}`} busyLabel="Queuing…" done={`${eventId} queued again`} run={() => redeliverAction(frontdoorId, webhookId, deliveryId)} />;
}

export function DeleteWebhook({ frontdoorId, webhookId, url }: Ids & { url: string }) {
  const [isOpen, setOpen] = useState(false);
  const [isPending, startTransition] = useTransition();
  const router = useRouter();
  return (
    <>
      <Button variant="danger" className="px-2 py-1 text-xs" onClick={() => setOpen(true)}>Delete</Button>
      <ConfirmDialog
        isOpen={isOpen}
        title="Delete this webhook?"
        confirmLabel="Delete webhook"
        isDestructive
        isBusy={isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() =>
          startTransition(async () => {
            const result = await deleteWebhookAction(frontdoorId, webhookId);
            setOpen(false);
            if (!result.ok) return void toast.error(result.message);
            toast.success("Webhook deleted");
            router.push(`/webhooks?frontdoor=${frontdoorId}`);
          })
        }
      >
        {url} gets no more events, and its delivery log goes with it.
      </ConfirmDialog>
    </>
  );
}

/** Re-reads the server component every few seconds while the page is open. */
export function AutoRefresh({ everyMs = 5_000 }: { everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [router, everyMs]);
  return null;
}
