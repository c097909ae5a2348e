"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { updateFrontdoorSchema } from "@/lib/validation/frontdoors";
import { fieldErrorMap } from "@/lib/validation/parse";
import { updateFrontdoorAction } from "../actions";

// The Frontdoor's approval policy (CONTRACT "Approvals"): everyone who sees the Frontdoor
// reads it; admins change it through the same action (and PATCH) as the other settings.

const policyText = (required: number) =>
  required === 0
    ? "Off: a new token can be redeemed as soon as it is made."
    : `Each new token needs ${required} approval${required === 1 ? "" : "s"} by people other than its creator (administrators, or operators who are members of this Frontdoor; never auditors) before it can be redeemed. One rejection rejects it for good.`;

export function ApprovalsForm({ frontdoorId, required, canEdit }: { frontdoorId: string; required: number; canEdit: boolean }) {
  const [value, setValue] = useState(String(required));
  const [error, setError] = useState<string | undefined>();
  const [isPending, startTransition] = useTransition();
  const router = useRouter();

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const input = { approvals: { required: Number(value) } };
    const local = updateFrontdoorSchema.safeParse(input);
    if (!local.success) {
      setError(fieldErrorMap(local.error)["approvals.required"] ?? local.error.issues[0]?.message);
      return;
    }
    startTransition(async () => {
      const result = await updateFrontdoorAction(frontdoorId, input);
      if (!result.ok) {
        setError(result.fieldErrors?.["approvals.required"] ?? result.message);
        toast.error(result.message);
        return;
      }
      setError(undefined);
      toast.success(`Approvals: ${result.data.approvals.required === 0 ? "off" : `${result.data.approvals.required} per token`}`);
      router.refresh();
    });
  }

  return (
    <Card>
      <h2 className="mb-2 font-semibold">Approvals</h2>
      <p className="mb-3 text-sm" data-testid="approvals-policy">{policyText(required)}</p>
      {canEdit ? (
        <form onSubmit={submit} aria-label="Approval policy" className="flex flex-wrap items-end gap-3">
          <Field id="approvals-required" label="Approvals per token (0 to 5)" error={error} hint="Applies to tokens made from now on; tokens made before keep what they needed.">
            <Input id="approvals-required" type="number" min={0} max={5} step={1} value={value} onChange={(e) => setValue(e.target.value)} error={error} className="w-24" disabled={isPending} />
          </Field>
          <Button type="submit" disabled={isPending}>{isPending ? "Saving…" : "Save approvals"}</Button>
        </form>
      ) : (
        <p className="text-sm text-zinc-500">Only administrators change this.</p>
      )}
    </Card>
  );
}
