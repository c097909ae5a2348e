"use client";

import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { createUserAction } from "./actions";

type Option = { id: string; name: string };
type Role = "admin" | "operator" | "auditor";

/** `oidcName`: the configured OIDC provider's name, when there is one (a user may then be made for it, without a password). */
export function CreateUserForm({ frontdoors, oidcName }: { frontdoors: Option[]; oidcName?: string }) {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("operator");
  const [password, setPassword] = useState("");
  const [isOidcOnly, setIsOidcOnly] = useState(false);
  const [frontdoorIds, setFrontdoorIds] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<{ email: string; password?: string } | null>(null);
  const [isPending, startTransition] = useTransition();

  function submit(event: React.FormEvent) {
    event.preventDefault();
    startTransition(async () => {
      const result = await createUserAction({ email, name, role, password: isOidcOnly ? undefined : password || undefined, frontdoorIds, isOidcOnly });
      if (!result.ok) {
        setErrors(result.fieldErrors ?? { email: result.message });
        toast.error(result.message);
        return;
      }
      setErrors({});
      setCreated({ email: result.data.user.email, password: result.data.generatedPassword });
      setEmail("");
      setName("");
      setPassword("");
      setIsOidcOnly(false);
      setFrontdoorIds([]);
      toast.success(`User ${result.data.user.email} created`);
    });
  }

  const toggle = (id: string) =>
    setFrontdoorIds((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]));

  return (
    <form onSubmit={submit} aria-label="Create a user" className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="user-email" label="Email" error={errors.email}>
          <Input id="user-email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} required />
        </Field>
        <Field id="user-name" label="Name (optional)" error={errors.name}>
          <Input id="user-name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} />
        </Field>
        <Field id="user-role" label="Role" error={errors.role}>
          <Select id="user-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="operator">operator</option>
            <option value="auditor">auditor</option>
            <option value="admin">admin</option>
          </Select>
        </Field>
        {isOidcOnly ? null : (
          <Field id="user-password" label="Password (optional)" error={errors.password} hint="Leave empty to generate one; it is shown once.">
            <Input
              id="user-password"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              error={errors.password}
            />
          </Field>
        )}
      </div>
      {oidcName ? (
        <div>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="size-4" checked={isOidcOnly} onChange={(e) => setIsOidcOnly(e.target.checked)} aria-describedby="user-oidc-hint" />
            Signs in with {oidcName} only (no password)
          </label>
          {/* Kept out of the label: the checkbox's name stays short, and "Email" names one field on this form. */}
          <p id="user-oidc-hint" className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
            Their first {oidcName} sign-in with this address, vouched for by the provider, links the account.
          </p>
        </div>
      ) : null}
      {role === "operator" && frontdoors.length > 0 ? (
        <fieldset>
          <legend className="text-sm font-medium">Frontdoors this operator works on</legend>
          <div className="mt-2 flex flex-wrap gap-4">
            {frontdoors.map((f) => (
              <label key={f.id} className="flex items-center gap-2 text-sm">
                <input type="checkbox" className="size-4" checked={frontdoorIds.includes(f.id)} onChange={() => toggle(f.id)} />
                {f.name}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}
      <Button type="submit" disabled={isPending}>
        {isPending ? "Creating…" : "Create user"}
      </Button>
      {created ? (
        <div role="status" className="rounded-md border border-green-300 bg-green-50 p-4 text-sm dark:border-green-800 dark:bg-green-950">
          <p>
            Created <strong>{created.email}</strong>.
          </p>
          {created.password ? (
            <p className="mt-1">
              Generated password (shown only now): <code data-testid="generated-password" className="font-mono">{created.password}</code>
            </p>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
