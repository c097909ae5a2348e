"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { PasskeyRegistration } from "@/components/second-factor/passkey-registration";
import { RecoveryCodes } from "@/components/second-factor/recovery-codes";
import { TotpEnrolment } from "@/components/second-factor/totp-enrolment";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { beginTotpAction, confirmTotpAction, passkeyOptionsAction, registerPasskeyAction, regenerateRecoveryCodesAction, removePasskeyAction, removeTotpAction } from "./actions";

// The interactive parts of the second-factor card on Your account (and, for adding, the set-up
// page): each refreshes the server-rendered list when it is done.

export function AddPasskey({ afterHref }: { afterHref?: string }) {
  const router = useRouter();
  return <PasskeyRegistration options={passkeyOptionsAction} register={registerPasskeyAction} onDone={() => (afterHref ? router.replace(afterHref) : router.refresh())} />;
}

export function AddAuthenticatorApp({ afterHref }: { afterHref?: string }) {
  const router = useRouter();
  return <TotpEnrolment begin={beginTotpAction} confirm={confirmTotpAction} onDone={() => (afterHref ? router.replace(afterHref) : router.refresh())} />;
}

/** A remove button with a confirmation; what it removes is said in `label`. */
export function RemoveFactor({ label, passkeyId }: { label: string; passkeyId?: string }) {
  const [isOpen, setOpen] = useState(false);
  const [isPending, startTransition] = useTransition();
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)} aria-label={`Remove ${label}`}>Remove</Button>
      <ConfirmDialog
        isOpen={isOpen}
        title={`Remove ${label}?`}
        confirmLabel="Remove"
        isDestructive
        isBusy={isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() =>
          startTransition(async () => {
            const result = passkeyId ? await removePasskeyAction(passkeyId) : await removeTotpAction();
            setOpen(false);
            if (result.ok) toast.success(`Removed ${label}`);
            else toast.error(result.message);
          })
        }
      >
        It no longer signs you in. If it was your last second factor, your recovery codes stop working too.
      </ConfirmDialog>
    </>
  );
}

export function RegenerateRecoveryCodes() {
  const router = useRouter();
  const [codes, setCodes] = useState<string[]>();
  const [isPending, startTransition] = useTransition();
  if (codes) return <RecoveryCodes codes={codes} onDone={() => { setCodes(undefined); router.refresh(); }} />;
  return (
    <Button
      variant="secondary"
      disabled={isPending}
      onClick={() =>
        startTransition(async () => {
          const result = await regenerateRecoveryCodesAction();
          if (result.ok) setCodes(result.data);
          else toast.error(result.message);
        })
      }
    >
      {isPending ? "Making codes…" : "New recovery codes"}
    </Button>
  );
}
