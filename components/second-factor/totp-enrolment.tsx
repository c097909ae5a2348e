"use client";

import QRCode from "qrcode";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import type { ActionResult } from "@/lib/console/action";
import { RecoveryCodes } from "./recovery-codes";

type Props = {
  begin: () => Promise<ActionResult<{ secret: string; uri: string }>>;
  confirm: (code: string) => Promise<ActionResult<{ recoveryCodes: string[] }>>;
  /** After the recovery codes were acknowledged. */
  onDone: () => void;
};

type Stage = { kind: "idle" } | { kind: "scan"; secret: string; qr: string } | { kind: "codes"; codes: string[] };

/** Setting up an authenticator app: QR code (drawn here, in the browser), the first code, then the recovery codes once. */
export function TotpEnrolment({ begin, confirm, onDone }: Props) {
  const [stage, setStage] = useState<Stage>({ kind: "idle" });
  const [code, setCode] = useState("");
  const [error, setError] = useState<string>();
  const [isPending, startTransition] = useTransition();

  const start = () =>
    startTransition(async () => {
      const result = await begin();
      if (!result.ok) return void toast.error(result.message);
      const qr = await QRCode.toString(result.data.uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
      setStage({ kind: "scan", secret: result.data.secret, qr });
    });

  if (stage.kind === "idle") {
    return <Button variant="secondary" onClick={start} disabled={isPending}>{isPending ? "Starting…" : "Set up an authenticator app"}</Button>;
  }
  if (stage.kind === "codes") return <RecoveryCodes codes={stage.codes} onDone={onDone} />;
  return (
    <form
      aria-label="Set up an authenticator app"
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => {
          const result = await confirm(code);
          if (!result.ok) return void setError(result.fieldErrors?.code ?? result.message);
          setError(undefined);
          setStage({ kind: "codes", codes: result.data.recoveryCodes });
        });
      }}
    >
      <p className="text-sm">Scan this with your authenticator app (1Password, Google Authenticator, Aegis, …), then enter the code it shows.</p>
      <div className="flex flex-wrap items-start gap-4">
        <div className="w-44 rounded bg-white p-2" role="img" aria-label="QR code for your authenticator app" dangerouslySetInnerHTML={{ __html: stage.qr }} />
        <div className="min-w-0 space-y-1 text-sm">
          <p>Cannot scan? Enter this key:</p>
          <code data-testid="totp-secret" className="block break-all rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-800">{stage.secret}</code>
        </div>
      </div>
      <Field id="totp-code" label="Code from the app" error={error}>
        <Input id="totp-code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} error={error} className="w-40" />
      </Field>
      <div className="flex gap-2">
        <Button type="submit" disabled={isPending}>{isPending ? "Checking…" : "Confirm"}</Button>
        <Button variant="ghost" onClick={() => setStage({ kind: "idle" })}>Cancel</Button>
      </div>
    </form>
  );
}
