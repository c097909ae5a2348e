"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { rotateCaAction } from "../actions";

/** "Rotate issuing CA" (administrators): a new CA signs from now on; the dialog says what happens to the old one and to gateways. */
export function RotateCa({ frontdoorId, name, caPemUrl }: { frontdoorId: string; name: string; caPemUrl: string }) {
  const [isOpen, setOpen] = useState(false);
  const [isPending, startTransition] = useTransition();
  const router = useRouter();
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>Rotate issuing CA</Button>
      <ConfirmDialog
        isOpen={isOpen}
        title={`Rotate the issuing CA of ${name}?`}
        confirmLabel="Rotate CA"
        isBusy={isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() =>
          startTransition(async () => {
            const result = await rotateCaAction(frontdoorId);
            setOpen(false);
            if (result.ok) toast.success(`New issuing CA (generation ${result.data.current.generation}) signs from now on`);
            else toast.error(result.message);
            router.refresh();
          })
        }
      >
        <p className="mb-2">A new issuing CA, signed by this Frontdoor&apos;s own root (a new one when it still hangs under the root an older installation shared), signs every certificate from now on (new redemptions and renewals).</p>
        <p className="mb-2">The current CA signs nothing new. It keeps signing the CRL and OCSP answers for the certificates it issued until the last of them expires; those certificates stay valid and can still be revoked and renewed.</p>
        <p>
          Gateways must download <span className="font-mono text-xs break-all">{caPemUrl}</span> again: until they do, they refuse certificates from the new CA. This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
}
