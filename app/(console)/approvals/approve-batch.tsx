"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Field, Textarea } from "@/components/ui/field";
import { MAX_APPROVAL_COMMENT } from "@/lib/validation/approvals";
import { approveBatchAction } from "./actions";

type Props = { frontdoorId: string; batchId: string; tokenIds: string[]; versions: Record<string, number> };

/** "Approve all N of this batch": the tokens of one batch the caller may answer, with one comment. */
export function ApproveBatch({ frontdoorId, batchId, tokenIds, versions }: Props) {
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [isPending, startTransition] = useTransition();
  const router = useRouter();
  const id = `batch-comment-${batchId}`;

  function submit(event: React.FormEvent) {
    event.preventDefault();
    startTransition(async () => {
      const result = await approveBatchAction(frontdoorId, tokenIds, comment, versions);
      if (!result.ok) {
        setError(result.fieldErrors?.comment ?? result.message);
        toast.error(result.message);
        return;
      }
      const { answered, refused } = result.data;
      if (refused.length === 0) toast.success(`Approved ${answered.length} token${answered.length === 1 ? "" : "s"} of this batch`);
      else toast.warning(`Approved ${answered.length}; ${refused.length} not approved: ${refused[0]!.detail}`);
      setComment("");
      setError(undefined);
      router.refresh();
    });
  }

  return (
    <form onSubmit={submit} aria-label={`Approve batch ${batchId}`} className="flex flex-wrap items-end gap-2">
      <div className="min-w-64 flex-1">
        <Field id={id} label="Comment for every token of the batch (optional)" error={error}>
          <Textarea id={id} rows={1} maxLength={MAX_APPROVAL_COMMENT} value={comment} onChange={(e) => setComment(e.target.value)} error={error} />
        </Field>
      </div>
      <Button type="submit" disabled={isPending}>{isPending ? "Approving…" : `Approve all ${tokenIds.length} of this batch`}</Button>
    </form>
  );
}
