"use client";

import { useState, useTransition } from "react";
import { answerWithPasskey } from "@/components/second-factor/webauthn";
import { Button } from "@/components/ui/button";
import { passkeySignInOptionsAction, signInWithPasskey } from "./actions";

/** Usernameless sign-in: the browser offers the passkeys it holds for this address. */
export function PasskeySignIn({ callbackUrl }: { callbackUrl: string }) {
  const [error, setError] = useState<string>();
  const [isPending, startTransition] = useTransition();
  return (
    <div className="space-y-3">
      <Button
        variant="secondary"
        className="w-full"
        disabled={isPending}
        onClick={() =>
          startTransition(async () => {
            setError(undefined);
            const ceremony = await passkeySignInOptionsAction();
            if (!ceremony.options) return void setError(ceremony.error);
            const answer = await answerWithPasskey(ceremony.options);
            if (!answer.ok) return void setError(answer.message);
            const result = await signInWithPasskey(JSON.stringify(answer.value), callbackUrl);
            if (result.error) setError(result.error);
          })
        }
      >
        {isPending ? "Waiting for the passkey…" : "Sign in with a passkey"}
      </Button>
      {error ? (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
          {error}
        </p>
      ) : null}
    </div>
  );
}
