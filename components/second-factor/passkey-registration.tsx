"use client";

import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import type { ActionResult } from "@/lib/console/action";
import type { RegistrationOptionsJSON } from "@/lib/domain/second-factor/relying-party";
import { createPasskey } from "./webauthn";

type Props = {
  options: () => Promise<ActionResult<RegistrationOptionsJSON>>;
  register: (input: { name: string; response: unknown }) => Promise<ActionResult<{ id: string; name: string }>>;
  onDone: () => void;
};

/** Adding a passkey: a name to recognise it by, then the browser's own prompt. */
export function PasskeyRegistration({ options, register, onDone }: Props) {
  const [name, setName] = useState("Passkey");
  const [error, setError] = useState<string>();
  const [isPending, startTransition] = useTransition();
  return (
    <form
      aria-label="Add a passkey"
      className="flex flex-wrap items-end gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => {
          const ceremony = await options();
          if (!ceremony.ok) return void setError(ceremony.message);
          const created = await createPasskey(ceremony.data);
          if (!created.ok) return void setError(created.message);
          const result = await register({ name, response: created.value });
          if (!result.ok) return void setError(result.fieldErrors?.name ?? result.message);
          setError(undefined);
          toast.success(`Passkey “${result.data.name}” added`);
          onDone();
        });
      }}
    >
      <div className="w-56">
        <Field id="passkey-name" label="Passkey name" error={error}>
          <Input id="passkey-name" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} error={error} />
        </Field>
      </div>
      <Button type="submit" variant="secondary" disabled={isPending}>{isPending ? "Waiting for the passkey…" : "Add a passkey"}</Button>
    </form>
  );
}
