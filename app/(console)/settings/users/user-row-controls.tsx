"use client";

import { useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/field";
import { endUserSessionsAction, resetSecondFactorAction, updateUserAction } from "./actions";

type Option = { id: string; name: string };
type Role = "admin" | "operator" | "auditor";
type Props = { userId: string; email: string; role: Role; isDisabled: boolean; hasSecondFactor: boolean; memberIds: string[]; frontdoors: Option[]; isSelf: boolean };

export function UserRowControls({ userId, email, role, isDisabled, hasSecondFactor, memberIds, frontdoors, isSelf }: Props) {
  const [isPending, startTransition] = useTransition();
  const update = (change: { role?: Role; isDisabled?: boolean; frontdoorIds?: string[] }, message: string) =>
    startTransition(async () => {
      const result = await updateUserAction({ userId, ...change });
      if (result.ok) toast.success(message);
      else toast.error(result.message);
    });

  return (
    <div className="flex flex-wrap items-center gap-3">
      <Select
        id={`role-${userId}`}
        aria-label={`Role of ${email}`}
        value={role}
        disabled={isPending || isSelf}
        onChange={(e) => update({ role: e.target.value as Role }, `${email} is now ${e.target.value}`)}
        className="w-32"
      >
        <option value="admin">admin</option>
        <option value="operator">operator</option>
        <option value="auditor">auditor</option>
      </Select>
      {role === "operator" ? (
        <details className="text-sm">
          <summary className="cursor-pointer">Frontdoors ({memberIds.length})</summary>
          <div className="mt-2 space-y-1">
            {frontdoors.map((f) => (
              <label key={f.id} className="flex items-center gap-2">
                <input
                  type="checkbox"
                  className="size-4"
                  checked={memberIds.includes(f.id)}
                  disabled={isPending}
                  onChange={() =>
                    update(
                      { frontdoorIds: memberIds.includes(f.id) ? memberIds.filter((x) => x !== f.id) : [...memberIds, f.id] },
                      `Memberships of ${email} updated`,
                    )
                  }
                />
                {f.name}
              </label>
            ))}
          </div>
        </details>
      ) : null}
      {isSelf ? null : (
        <Button
          variant="secondary"
          disabled={isPending}
          aria-label={`Sign ${email} out everywhere`}
          onClick={() =>
            startTransition(async () => {
              const result = await endUserSessionsAction(userId);
              if (result.ok) toast.success(`${email} was signed out of ${result.data} ${result.data === 1 ? "session" : "sessions"}`);
              else toast.error(result.message);
            })
          }
        >
          Sign out everywhere
        </Button>
      )}
      {isSelf || !hasSecondFactor ? null : (
        <Button
          variant="secondary"
          disabled={isPending}
          aria-label={`Reset the second factor of ${email}`}
          onClick={() => {
            if (!window.confirm(`Remove every passkey, authenticator app and recovery code of ${email}? Their next sign-in needs only their password (or leads them to set up a new factor, if required).`)) return;
            startTransition(async () => {
              const result = await resetSecondFactorAction(userId);
              if (result.ok) toast.success(`The second factor of ${email} was reset`);
              else toast.error(result.message);
            });
          }}
        >
          Reset second factor
        </Button>
      )}
      {isSelf ? null : (
        <Button
          variant={isDisabled ? "secondary" : "danger"}
          disabled={isPending}
          onClick={() => {
            if (!isDisabled && !window.confirm(`Disable ${email}? Every session of theirs ends now (enabling them later does not bring one back), they cannot sign in, and their API keys stop working until they are enabled again.`)) return;
            update({ isDisabled: !isDisabled }, `${email} ${isDisabled ? "enabled" : "disabled"}`);
          }}
        >
          {isDisabled ? "Enable" : "Disable"}
        </Button>
      )}
    </div>
  );
}
