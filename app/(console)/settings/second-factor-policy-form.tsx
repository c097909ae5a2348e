"use client";

import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Field, Select } from "@/components/ui/field";
import { POLICY_LABELS, type SecondFactorPolicy } from "@/lib/validation/second-factor";
import { setSecondFactorPolicyAction } from "./actions";

/** Who must have a second factor; those without one set it up right after their next sign-in. */
export function SecondFactorPolicyForm({ current }: { current: SecondFactorPolicy }) {
  const [policy, setPolicy] = useState(current);
  const [isPending, startTransition] = useTransition();
  return (
    <form
      aria-label="Second factor policy"
      className="flex flex-wrap items-end gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => {
          const result = await setSecondFactorPolicyAction(policy);
          if (result.ok) toast.success(`A second factor is now required for: ${POLICY_LABELS[result.data].toLowerCase()}`);
          else toast.error(result.message);
        });
      }}
    >
      <div className="w-64">
        <Field id="second-factor-policy" label="Require a second factor for">
          <Select id="second-factor-policy" value={policy} onChange={(e) => setPolicy(e.target.value as SecondFactorPolicy)}>
            {Object.entries(POLICY_LABELS).map(([value, label]) => (
              <option key={value} value={value}>{label}</option>
            ))}
          </Select>
        </Field>
      </div>
      <Button type="submit" disabled={isPending || policy === current}>{isPending ? "Saving…" : "Save"}</Button>
    </form>
  );
}
