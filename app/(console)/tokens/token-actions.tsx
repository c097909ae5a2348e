"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { expireTokenAction, extendTokenAction, revokeTokensAction } from "./actions";

type Props = { frontdoorId: string; tokenId: string; name: string; compact?: boolean };

/** Revoke, expire now and extend for one active token, each confirmed where it destroys. */
export function TokenActions({ frontdoorId, tokenId, name, compact }: Props) {
  const [confirming, setConfirming] = useState<"revoke" | "expire" | null>(null);
  const [isPending, startTransition] = useTransition();
  const queryClient = useQueryClient();
  const router = useRouter();

  function after(ok: boolean, message: string, error?: string) {
    if (ok) toast.success(message);
    else toast.error(error ?? "That did not work");
    setConfirming(null);
    void queryClient.invalidateQueries({ queryKey: ["tokens"] });
    router.refresh();
  }

  const run = (kind: "revoke" | "expire" | "extend") =>
    startTransition(async () => {
      if (kind === "revoke") {
        const r = await revokeTokensAction(frontdoorId, [tokenId]);
        after(r.ok, `Revoked ${name}`, r.ok ? undefined : r.message);
      } else if (kind === "expire") {
        const r = await expireTokenAction(frontdoorId, tokenId);
        after(r.ok, `${name} expired now`, r.ok ? undefined : r.message);
      } else {
        const r = await extendTokenAction(frontdoorId, tokenId, 24);
        after(r.ok, `${name} now expires in 24 hours`, r.ok ? undefined : r.message);
      }
    });

  const size = compact ? "whitespace-nowrap px-2 py-1 text-xs" : "";
  return (
    <div className={compact ? "flex flex-nowrap gap-1" : "flex flex-wrap gap-2"}>
      <Button variant="secondary" className={size} disabled={isPending} onClick={() => run("extend")} aria-label={`Extend ${name} by 24 hours`}>
        Extend
      </Button>
      <Button variant="secondary" className={size} disabled={isPending} onClick={() => setConfirming("expire")} aria-label={`Expire now: ${name}`}>
        Expire now
      </Button>
      <Button variant="danger" className={size} disabled={isPending} onClick={() => setConfirming("revoke")} aria-label={`Revoke ${name}`}>
        Revoke
      </Button>
      <ConfirmDialog
        isOpen={confirming !== null}
        title={confirming === "revoke" ? `Revoke ${name}?` : `Expire ${name} now?`}
        confirmLabel={confirming === "revoke" ? "Revoke token" : "Expire now"}
        isDestructive
        isBusy={isPending}
        onCancel={() => setConfirming(null)}
        onConfirm={() => confirming && run(confirming)}
      >
        Whoever holds this token will no longer be able to redeem it. Its history stays in the audit trail.
      </ConfirmDialog>
    </div>
  );
}
