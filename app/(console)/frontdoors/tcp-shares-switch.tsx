"use client";

import { useTransition } from "react";
import { toast } from "sonner";
import { updateFrontdoorAction } from "./actions";

export function TcpSharesSwitch({ frontdoorId, name, isEnabled }: { frontdoorId: string; name: string; isEnabled: boolean }) {
  const [isPending, startTransition] = useTransition();
  function toggle() {
    startTransition(async () => {
      const result = await updateFrontdoorAction(frontdoorId, { tcpSharesEnabled: !isEnabled });
      if (result.ok) toast.success(`TCP shares ${result.data.tcpSharesEnabled ? "enabled" : "disabled"} on ${name}`);
      else toast.error(result.message);
    });
  }
  return (
    <button
      type="button"
      role="switch"
      aria-checked={isEnabled}
      aria-label={`TCP shares on ${name}`}
      disabled={isPending}
      onClick={toggle}
      className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors ${isEnabled ? "bg-indigo-600" : "bg-zinc-300 dark:bg-zinc-700"}`}
    >
      <span className={`inline-block size-5 rounded-full bg-white shadow transition-transform ${isEnabled ? "translate-x-5" : "translate-x-0.5"}`} />
    </button>
  );
}
