"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Select } from "@/components/ui/field";
import { revokeCertificateAction } from "../actions";

const REASONS = ["unspecified", "keyCompromise", "affiliationChanged", "superseded", "cessationOfOperation", "privilegeWithdrawn"] as const;

export function RevokeCertificate({ frontdoorId, certificateId, commonName }: { frontdoorId: string; certificateId: string; commonName: string }) {
  const [isOpen, setOpen] = useState(false);
  const [reason, setReason] = useState<(typeof REASONS)[number]>("unspecified");
  const [isPending, startTransition] = useTransition();
  const router = useRouter();
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>Revoke certificate</Button>
      <ConfirmDialog
        isOpen={isOpen}
        title={`Revoke the certificate of ${commonName}?`}
        confirmLabel="Revoke"
        isDestructive
        isBusy={isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() =>
          startTransition(async () => {
            const result = await revokeCertificateAction(frontdoorId, certificateId, { reason });
            if (result.ok) toast.success("Certificate revoked; it is on the CRL now");
            else toast.error(result.message);
            setOpen(false);
            router.refresh();
          })
        }
      >
        <p className="mb-3">It goes on the Frontdoor's CRL at once. This cannot be undone.</p>
        <label htmlFor="revoke-reason" className="block text-sm font-medium">Reason</label>
        <Select id="revoke-reason" value={reason} onChange={(e) => setReason(e.target.value as (typeof REASONS)[number])}>
          {REASONS.map((r) => (
            <option key={r} value={r}>{r}</option>
          ))}
        </Select>
      </ConfirmDialog>
    </>
  );
}
