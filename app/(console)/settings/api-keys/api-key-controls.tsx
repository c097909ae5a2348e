"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { Field, Input } from "@/components/ui/field";
import { createApiKeyAction, revokeApiKeyAction } from "./actions";

/** Create a key for yourself; the key is shown once. */
export function CreateApiKey() {
  const [name, setName] = useState("");
  const [error, setError] = useState<string>();
  const [key, setKey] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();
  const router = useRouter();
  return (
    <div className="space-y-4">
      <form
        aria-label="Create an API key"
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          startTransition(async () => {
            const result = await createApiKeyAction({ name });
            if (!result.ok) {
              setError(result.fieldErrors?.name ?? result.message);
              return;
            }
            setError(undefined);
            setKey(result.data.key);
            setName("");
            router.refresh();
          });
        }}
      >
        <div className="w-72">
          <Field id="key-name" label="Name" error={error}>
            <Input id="key-name" value={name} onChange={(e) => setName(e.target.value)} error={error} placeholder="deploy pipeline" />
          </Field>
        </div>
        <Button type="submit" disabled={isPending}>Create API key</Button>
      </form>
      {key ? (
        <div role="status" className="space-y-2 rounded-md border border-green-300 bg-green-50 p-4 text-sm dark:border-green-800 dark:bg-green-950/40">
          <p>Copy the key now: <strong>it is shown only this once</strong>. Certdoor keeps only its hash.</p>
          <code data-testid="api-key" className="block break-all rounded bg-white p-2 text-xs dark:bg-zinc-900">{key}</code>
          <div className="flex gap-2">
            <CopyButton text={key} label="Copy key" />
            <Button variant="secondary" onClick={() => setKey(null)}>Done</Button>
          </div>
        </div>
      ) : null}
    </div>
  );
}

export function RevokeApiKey({ id, name }: { id: string; name: string }) {
  const [isOpen, setOpen] = useState(false);
  const [isPending, startTransition] = useTransition();
  const router = useRouter();
  return (
    <>
      <Button variant="danger" className="px-2 py-1 text-xs" onClick={() => setOpen(true)} aria-label={`Revoke API key ${name}`}>Revoke</Button>
      <ConfirmDialog
        isOpen={isOpen}
        title={`Revoke the API key ${name}?`}
        confirmLabel="Revoke key"
        isDestructive
        isBusy={isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() =>
          startTransition(async () => {
            const result = await revokeApiKeyAction(id);
            if (result.ok) toast.success(`API key ${name} revoked`);
            else toast.error(result.message);
            setOpen(false);
            router.refresh();
          })
        }
      >
        Everything that uses it gets 401 from now on.
      </ConfirmDialog>
    </>
  );
}
