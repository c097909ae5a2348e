"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Field, Input } from "@/components/ui/field";
import type { WebhookEventType } from "@/lib/validation/webhooks";
import { createWebhookAction } from "./actions";

/** Register an endpoint; its signing secret is shown once, here. */
export function CreateWebhook({ frontdoorId, eventTypes, allowsPrivateTargets }: { frontdoorId: string; eventTypes: WebhookEventType[]; allowsPrivateTargets: boolean }) {
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<WebhookEventType[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();
  const router = useRouter();
  const toggle = (type: WebhookEventType, isOn: boolean) => setEvents((now) => (isOn ? [...now, type] : now.filter((t) => t !== type)));

  function submit(e: React.FormEvent) {
    e.preventDefault();
    startTransition(async () => {
      const result = await createWebhookAction(frontdoorId, { url, description, events });
      if (!result.ok) {
        setErrors(result.fieldErrors ?? { url: result.message });
        toast.error(result.message);
        return;
      }
      setErrors({});
      setSecret(result.data.secret);
      setUrl("");
      setDescription("");
      setEvents([]);
      toast.success("Webhook registered");
      router.refresh();
    });
  }

  return (
    <div className="space-y-4">
      <form onSubmit={submit} aria-label="Register a webhook" className="space-y-4">
        <div className="grid gap-4 md:grid-cols-2">
          <Field id="webhook-url" label="Endpoint URL" error={errors.url} hint={allowsPrivateTargets ? "This server also allows http:// and private addresses (WEBHOOK_ALLOW_PRIVATE_NETWORKS)." : "https:// to a public address; Certdoor POSTs each event there."}>
            <Input id="webhook-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} error={errors.url} placeholder="https://hooks.example.com/certdoor" required />
          </Field>
          <Field id="webhook-description" label="Description (optional)" error={errors.description}>
            <Input id="webhook-description" value={description} onChange={(e) => setDescription(e.target.value)} error={errors.description} placeholder="SIEM" />
          </Field>
        </div>
        <fieldset aria-describedby={errors.events ? "webhook-events-error" : undefined}>
          <legend className="mb-2 text-sm font-medium text-zinc-800 dark:text-zinc-200">Events</legend>
          <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
            {eventTypes.map((type) => (
              <label key={type} className="flex items-center gap-2 text-sm">
                <input type="checkbox" className="size-4" checked={events.includes(type)} onChange={(e) => toggle(type, e.target.checked)} />
                <span className="font-mono text-xs">{type}</span>
              </label>
            ))}
          </div>
          {errors.events ? <p id="webhook-events-error" role="alert" className="mt-1 text-sm text-red-600 dark:text-red-400">{errors.events}</p> : null}
        </fieldset>
        <Button type="submit" disabled={isPending}>{isPending ? "Registering…" : "Register webhook"}</Button>
      </form>
      {secret ? (
        <div role="status" className="space-y-2 rounded-md border border-green-300 bg-green-50 p-4 text-sm dark:border-green-800 dark:bg-green-950/40">
          <p>
            Copy the signing secret now: <strong>it is shown only this once</strong>. Receivers check each delivery&apos;s
            <code className="mx-1">webhook-signature</code>with it (any Standard Webhooks library does).
          </p>
          <code data-testid="webhook-secret" className="block break-all rounded bg-white p-2 text-xs dark:bg-zinc-900">{secret}</code>
          <div className="flex gap-2">
            <CopyButton text={secret} label="Copy secret" />
            <Button variant="secondary" onClick={() => setSecret(null)}>Done</Button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
