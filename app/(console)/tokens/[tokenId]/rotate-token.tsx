"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { rotateTokenAction } from "../actions";
import { CreatedTokenPanel } from "../new/created-token-panel";

type Rotated = Extract<Awaited<ReturnType<typeof rotateTokenAction>>, { ok: true }>["data"];

/** "New link": the token gets a new secret, shown once; the old link stops working at once. */
type Props = { frontdoorId: string; tokenId: string; name: string; recipientEmail: string | null; origin: string; toolSha256?: string };

export function RotateToken({ frontdoorId, tokenId, name, recipientEmail, origin, toolSha256 }: Props) {
  const [isConfirming, setConfirming] = useState(false);
  const [rotated, setRotated] = useState<Rotated | null>(null);
  const [isPending, startTransition] = useTransition();
  const router = useRouter();

  if (rotated) {
    return (
      <CreatedTokenPanel
        title="New link made"
        token={rotated.token}
        redemptionUrl={rotated.redemptionUrl}
        frontdoorId={frontdoorId}
        commonName={rotated.commonName}
        delivery={rotated.delivery}
        origin={origin}
        toolSha256={toolSha256}
        onClose={() => {
          setRotated(null);
          router.refresh();
        }}
      />
    );
  }
  return (
    <>
      <Button variant="secondary" disabled={isPending} onClick={() => setConfirming(true)}>New link</Button>
      <ConfirmDialog
        isOpen={isConfirming}
        title={`Make a new link for ${name}?`}
        confirmLabel="Make a new link"
        isBusy={isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          startTransition(async () => {
            const result = await rotateTokenAction(frontdoorId, tokenId);
            setConfirming(false);
            if (!result.ok) {
              toast.error(result.message);
              return;
            }
            setRotated(result.data);
          })
        }
      >
        The current link and token stop working at once; the new one is shown this once{recipientEmail ? ` and emailed to ${recipientEmail}` : ""}.
      </ConfirmDialog>
    </>
  );
}
