"use client";

import { useActionState, useState, useTransition } from "react";
import { answerWithPasskey } from "@/components/second-factor/webauthn";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { type SecondStepState, secondStepPasskeyOptionsAction, verifySecondStepAction, verifySecondStepPasskeyAction } from "./actions";

type Props = { hasTotp: boolean; hasPasskey: boolean; recoveryCodesLeft: number };

/** A code from the app or a recovery code (one field, the server tells them apart), or a passkey. */
export function SecondStepForm({ hasTotp, hasPasskey, recoveryCodesLeft }: Props) {
  const [state, formAction, isPending] = useActionState<SecondStepState, FormData>(verifySecondStepAction, {});
  const [isRecovery, setRecovery] = useState(!hasTotp);
  const [passkeyError, setPasskeyError] = useState<string>();
  const [isPasskeyPending, startPasskey] = useTransition();
  const canType = hasTotp || recoveryCodesLeft > 0;

  return (
    <div className="space-y-4">
      {hasPasskey ? (
        <div className="space-y-2">
          <Button
            className="w-full"
            variant={hasTotp ? "secondary" : "primary"}
            disabled={isPasskeyPending}
            onClick={() =>
              startPasskey(async () => {
                setPasskeyError(undefined);
                const ceremony = await secondStepPasskeyOptionsAction();
                if (!ceremony.ok) return void setPasskeyError(ceremony.message);
                const answer = await answerWithPasskey(ceremony.data);
                if (!answer.ok) return void setPasskeyError(answer.message);
                const result = await verifySecondStepPasskeyAction(answer.value);
                if (result && !result.ok) setPasskeyError(result.message);
              })
            }
          >
            {isPasskeyPending ? "Waiting for the passkey…" : "Use a passkey"}
          </Button>
          {passkeyError ? (
            <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">{passkeyError}</p>
          ) : null}
        </div>
      ) : null}
      {canType ? (
        <form action={formAction} className="space-y-4" aria-label="Second step">
          <Field
            id="code"
            label={isRecovery ? "Recovery code" : "Code from your authenticator app"}
            error={state.error}
            hint={isRecovery ? `One of the codes you saved when you set up your second factor (${recoveryCodesLeft} left).` : undefined}
          >
            <Input
              key={isRecovery ? "recovery" : "totp"}
              id="code"
              name="code"
              required
              autoFocus={!hasPasskey}
              autoComplete={isRecovery ? "off" : "one-time-code"}
              inputMode={isRecovery ? "text" : "numeric"}
              error={state.error}
            />
          </Field>
          <Button type="submit" className="w-full" disabled={isPending}>{isPending ? "Checking…" : "Verify"}</Button>
          {hasTotp && recoveryCodesLeft > 0 ? (
            <Button variant="ghost" className="w-full" onClick={() => setRecovery((r) => !r)}>
              {isRecovery ? "Use the authenticator app instead" : "Use a recovery code instead"}
            </Button>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}
