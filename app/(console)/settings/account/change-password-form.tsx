"use client";

import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { changePasswordAction } from "../../actions";

/** Current and new password; every other session ends when it changes. */
export function ChangePasswordForm() {
  const [values, setValues] = useState({ currentPassword: "", newPassword: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [isPending, startTransition] = useTransition();
  const set = (key: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => setValues((v) => ({ ...v, [key]: e.target.value }));
  return (
    <form
      className="space-y-4"
      aria-label="Change password"
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => {
          const result = await changePasswordAction(values);
          if (!result.ok) {
            setErrors(result.fieldErrors ?? {});
            toast.error(result.message);
            return;
          }
          setErrors({});
          setValues({ currentPassword: "", newPassword: "" });
          const others = result.data.endedSessions;
          toast.success(`Password changed${others > 0 ? `; ${others} other ${others === 1 ? "session was" : "sessions were"} signed out` : ""}.`);
        });
      }}
    >
      <Field id="currentPassword" label="Current password" error={errors.currentPassword}>
        <Input id="currentPassword" type="password" autoComplete="current-password" value={values.currentPassword} onChange={set("currentPassword")} error={errors.currentPassword} />
      </Field>
      <Field id="newPassword" label="New password" error={errors.newPassword} hint="At least 12 characters. Your other sessions are signed out.">
        <Input id="newPassword" type="password" autoComplete="new-password" value={values.newPassword} onChange={set("newPassword")} error={errors.newPassword} />
      </Field>
      <Button type="submit" disabled={isPending}>{isPending ? "Changing…" : "Change password"}</Button>
    </form>
  );
}
