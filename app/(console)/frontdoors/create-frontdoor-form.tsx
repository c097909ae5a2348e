"use client";

import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { createFrontdoorAction } from "./actions";

export function CreateFrontdoorForm() {
  const [name, setName] = useState("");
  const [isTcpSharesEnabled, setTcpSharesEnabled] = useState(true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [isPending, startTransition] = useTransition();

  function submit(event: React.FormEvent) {
    event.preventDefault();
    startTransition(async () => {
      const result = await createFrontdoorAction({ name, tcpSharesEnabled: isTcpSharesEnabled });
      if (result.ok) {
        toast.success(`Frontdoor ${result.data.name} created`);
        setName("");
        setErrors({});
      } else {
        setErrors(result.fieldErrors ?? { name: result.message });
        toast.error(result.message);
      }
    });
  }

  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-4" aria-label="Create a Frontdoor">
      <div className="min-w-64 flex-1">
        <Field id="frontdoor-name" label="Name" error={errors.name}>
          <Input id="frontdoor-name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} required />
        </Field>
      </div>
      <label className="flex items-center gap-2 pb-2 text-sm">
        <input
          type="checkbox"
          checked={isTcpSharesEnabled}
          onChange={(e) => setTcpSharesEnabled(e.target.checked)}
          className="size-4"
        />
        TCP shares enabled
      </label>
      <Button type="submit" disabled={isPending}>
        {isPending ? "Creating…" : "Create Frontdoor"}
      </Button>
    </form>
  );
}
