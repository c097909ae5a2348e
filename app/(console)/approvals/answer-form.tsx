"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field, Textarea } from "@/components/ui/field";
import { type ApprovalDecision, MAX_APPROVAL_COMMENT } from "@/lib/validation/approvals";
import { answerTokenAction } from "./actions";

/** contentVersion: the version of what the certificate will say that this page showed; a token changed since is refused (conflict). */
type Props = { frontdoorId: string; tokenId: string; name: string; contentVersion: number };

/** Approve or reject one token with a comment; a rejection is for good, so it is confirmed first. */
export function AnswerForm({ frontdoorId, tokenId, name, contentVersion }: Props) {
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [isRejecting, setRejecting] = useState(false);
  const [isPending, startTransition] = useTransition();
  const router = useRouter();
  const id = `comment-${tokenId}`;

  const send = (decision: ApprovalDecision) =>
    startTransition(async () => {
      const result = await answerTokenAction(frontdoorId, tokenId, { decision, comment, contentVersion });
      setRejecting(false);
      if (!result.ok) {
        setError(result.fieldErrors?.comment ?? result.message);
        toast.error(result.message);
        router.refresh(); // someone else may have answered meanwhile
        return;
      }
      const { status, approvalsRequired, approvalCount } = result.data;
      const more = approvalsRequired - approvalCount;
      toast.success(
        status === "rejected" ? `Rejected ${name}` : status === "active" ? `Approved ${name}: it can be redeemed now` : `Approved ${name}; ${more} more approval${more === 1 ? "" : "s"} needed`,
      );
      setComment("");
      setError(undefined);
      router.refresh();
    });

  return (
    <form
      aria-label={`Answer ${name}`}
      className="space-y-2"
      onSubmit={(event) => {
        event.preventDefault();
        send("approve");
      }}
    >
      <Field id={id} label="Comment (optional)" error={error} hint="Kept with your answer; the token's page and the audit trail show it.">
        <Textarea id={id} rows={2} maxLength={MAX_APPROVAL_COMMENT} value={comment} onChange={(e) => setComment(e.target.value)} error={error} />
      </Field>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={isPending} aria-label={`Approve ${name}`}>Approve</Button>
        <Button variant="danger" disabled={isPending} onClick={() => setRejecting(true)} aria-label={`Reject ${name}`}>Reject</Button>
      </div>
      <ConfirmDialog
        isOpen={isRejecting}
        title={`Reject ${name}?`}
        confirmLabel="Reject token"
        isDestructive
        isBusy={isPending}
        onCancel={() => setRejecting(false)}
        onConfirm={() => send("reject")}
      >
        A rejection is for good: this token can never be redeemed, whoever approves later. Whoever needs the certificate must be given a new token.
      </ConfirmDialog>
    </form>
  );
}
