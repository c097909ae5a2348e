"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { policyFieldErrors } from "@/lib/domain/names/field-errors";
import type { NamePolicy } from "@/lib/domain/names/policy";
import { fieldErrorMap } from "@/lib/validation/parse";
import { createTokenSchema } from "@/lib/validation/tokens";
import { createTokenAction } from "../actions";
import { CreatedTokenPanel } from "./created-token-panel";
import { MoreNames, NO_MORE_NAMES, subjectAltNamesInput } from "./more-names";

const EXPIRY = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 - 60_000 } as const;
type Expiry = keyof typeof EXPIRY | "custom";

type Created = { token: string; redemptionUrl: string; commonName: string | null; approvalsNeeded?: number; delivery?: { to: string; status: "sent" | "failed" | "not_configured"; error?: string } };

/** namePolicy and maxValidDays: the Frontdoor's, so the form says what the server would refuse as you type. */
type FormProps = { frontdoorId: string; frontdoorName: string; origin: string; canEmail: boolean; toolSha256?: string; namePolicy?: NamePolicy; maxValidDays?: number };

export function CreateTokenForm({ frontdoorId, frontdoorName, origin, canEmail, toolSha256, namePolicy, maxValidDays = 825 }: FormProps) {
  const [values, setValues] = useState({ name: "", commonName: "", organization: "", organizationalUnit: "", recipientEmail: "", validDays: String(Math.min(365, maxValidDays)) });
  const [expiry, setExpiry] = useState<Expiry>("24h");
  const [customExpiry, setCustomExpiry] = useState("");
  const [moreNames, setMoreNames] = useState(NO_MORE_NAMES);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<Created | null>(null);
  const [isPending, startTransition] = useTransition();
  const router = useRouter();

  // The server's name policy check (names/policy.ts is browser-safe), run as you type on the CN and the SANs.
  const policyErrors = policyFieldErrors(namePolicy, values.commonName, subjectAltNamesInput(moreNames));
  const commonNameError = errors.commonName ?? policyErrors.commonName;
  const set = (key: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => setValues((v) => ({ ...v, [key]: e.target.value }));

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const expiresAt = expiry === "custom" ? (customExpiry ? new Date(customExpiry).toISOString() : "") : new Date(Date.now() + EXPIRY[expiry]).toISOString();
    const input = { ...values, validDays: Number(values.validDays), expiresAt: expiresAt || undefined, subjectAltNames: subjectAltNamesInput(moreNames) };
    // The same schema the server applies, for errors beside the fields before a round trip.
    const local = createTokenSchema.safeParse(input);
    if (!local.success) {
      setErrors(fieldErrorMap(local.error));
      return;
    }
    startTransition(async () => {
      const result = await createTokenAction(frontdoorId, input);
      if (!result.ok) {
        setErrors(result.fieldErrors ?? { name: result.message });
        toast.error(result.message);
        return;
      }
      setErrors({});
      const approvalsNeeded = result.data.status === "pending_approval" ? result.data.approvalsRequired - result.data.approvalCount : 0;
      setCreated({ token: result.data.token, redemptionUrl: result.data.redemptionUrl, commonName: result.data.commonName, approvalsNeeded, delivery: result.data.delivery });
      toast.success(`Token ${result.data.name} created`);
    });
  }

  if (created) {
    return (
      <CreatedTokenPanel
        {...created}
        frontdoorId={frontdoorId}
        origin={origin}
        toolSha256={toolSha256}
        onClose={() => {
          setCreated(null);
          router.push(`/tokens?frontdoor=${frontdoorId}`);
        }}
      />
    );
  }

  return (
    <form onSubmit={submit} className="max-w-2xl space-y-5" aria-label="Create a token" noValidate>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">On Frontdoor <strong>{frontdoorName}</strong>. Fields left blank are taken from the holder's request.</p>
      <Field id="name" label="Name" error={errors.name} hint="Who or what it is for, e.g. “Build agent 7”.">
        <Input id="name" value={values.name} onChange={set("name")} error={errors.name} required maxLength={128} />
      </Field>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field id="commonName" label="Common name (CN)" error={commonNameError}>
          <Input id="commonName" value={values.commonName} onChange={set("commonName")} error={commonNameError} maxLength={64} />
        </Field>
        <Field id="organization" label="Organization (O)" error={errors.organization}>
          <Input id="organization" value={values.organization} onChange={set("organization")} error={errors.organization} maxLength={64} />
        </Field>
        <Field id="organizationalUnit" label="Organizational unit (OU)" error={errors.organizationalUnit}>
          <Input id="organizationalUnit" value={values.organizationalUnit} onChange={set("organizationalUnit")} error={errors.organizationalUnit} maxLength={64} />
        </Field>
      </div>
      <MoreNames text={moreNames} onChange={setMoreNames} errors={{ ...policyErrors, ...errors }} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="expiry" label="Token expires in" error={errors.expiresAt}>
          <Select id="expiry" value={expiry} onChange={(e) => setExpiry(e.target.value as Expiry)}>
            <option value="1h">1 hour</option>
            <option value="24h">24 hours</option>
            <option value="7d">7 days</option>
            <option value="30d">30 days</option>
            <option value="custom">Custom date…</option>
          </Select>
        </Field>
        {expiry === "custom" ? (
          <Field id="customExpiry" label="Expires at (your time zone)" error={errors.expiresAt}>
            <Input id="customExpiry" type="datetime-local" value={customExpiry} onChange={(e) => setCustomExpiry(e.target.value)} error={errors.expiresAt} />
          </Field>
        ) : null}
      </div>
      <Field
        id="recipientEmail"
        label="Send the link to (optional)"
        error={errors.recipientEmail}
        hint={canEmail ? "Certdoor emails the redemption link to this address when the token is created." : "Email is not set up on this server (SMTP_URL, SMTP_FROM): the address is kept, and you pass the link on by hand."}
      >
        <Input id="recipientEmail" type="email" value={values.recipientEmail} onChange={set("recipientEmail")} error={errors.recipientEmail} maxLength={254} autoComplete="off" />
      </Field>
      <Field id="validDays" label="Certificate validity (days)" error={errors.validDays} hint={`1 to ${maxValidDays} on this Frontdoor; ${Math.min(365, maxValidDays)} by default.`}>
        <Input id="validDays" type="number" min={1} max={maxValidDays} value={values.validDays} onChange={set("validDays")} error={errors.validDays} className="w-32" />
      </Field>
      <Button type="submit" disabled={isPending}>{isPending ? "Creating…" : "Create token"}</Button>
    </form>
  );
}
