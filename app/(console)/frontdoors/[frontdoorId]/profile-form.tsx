"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { NAME_KINDS, type NameKind, type NamePolicy } from "@/lib/domain/names/policy";
import { type FrontdoorProfile, KEY_TYPES } from "@/lib/validation/frontdoors";
import { useFrontdoorUpdate } from "./use-frontdoor-update";

// The Frontdoor's certificate profile and name policy: admins edit them, everyone else who
// may see the Frontdoor reads them. The form checks with the schema the action (and PATCH)
// uses, so the same messages appear beside the same fields before and after a round trip.

const KIND_LABEL: Record<NameKind, string> = { commonName: "Common name", dns: "DNS", ip: "IP (CIDR)", uri: "URI", email: "Email" };
const SIDES = ["allow", "deny"] as const;
const EXTRA_EKUS = ["serverAuth", "emailProtection"] as const;

type Lists = Record<(typeof SIDES)[number], Record<NameKind, string>>;

const linesOf = (policy: NamePolicy, side: (typeof SIDES)[number]) => Object.fromEntries(NAME_KINDS.map((kind) => [kind, (policy[side]?.[kind] ?? []).join("\n")])) as Record<NameKind, string>;

/** Textareas back to a policy: an empty box is no list for that kind. */
function policyOf(lists: Lists): NamePolicy {
  const side = (s: (typeof SIDES)[number]) => {
    const entries = NAME_KINDS.flatMap((kind) => {
      const patterns = lists[s][kind].split("\n").map((line) => line.trim()).filter(Boolean);
      return patterns.length ? [[kind, patterns] as const] : [];
    });
    return entries.length ? Object.fromEntries(entries) : undefined;
  };
  return { allow: side("allow"), deny: side("deny") };
}

/** The first error under a path prefix (namePolicy.allow.dns[2] shows beside the allow DNS box). */
const errorUnder = (errors: Record<string, string>, prefix: string) =>
  Object.entries(errors).find(([path]) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`))?.[1];

export function ProfileForm({ frontdoorId, profile, namePolicy, canEdit }: { frontdoorId: string; profile: FrontdoorProfile; namePolicy: NamePolicy; canEdit: boolean }) {
  const [ekus, setEkus] = useState(profile.extendedKeyUsage.filter((eku) => eku !== "clientAuth"));
  const [otherOids, setOtherOids] = useState(profile.extendedKeyUsage.filter((eku) => /^\d/.test(eku)).join(", "));
  const [keyTypes, setKeyTypes] = useState<string[]>(profile.keyTypes);
  const [maxValidDays, setMaxValidDays] = useState(String(profile.maxValidDays));
  const [allowCsrSans, setAllowCsrSans] = useState(profile.allowCsrSubjectAltNames);
  const [allowWildcards, setAllowWildcards] = useState(profile.allowWildcards);
  const [lists, setLists] = useState<Lists>({ allow: linesOf(namePolicy, "allow"), deny: linesOf(namePolicy, "deny") });
  const { errors, isPending, save } = useFrontdoorUpdate(frontdoorId);

  const toggle = (list: string[], value: string, isOn: boolean) => (isOn ? [...list, value] : list.filter((item) => item !== value));

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const oids = otherOids.split(",").map((oid) => oid.trim()).filter(Boolean);
    const input = {
      profile: {
        extendedKeyUsage: [...EXTRA_EKUS.filter((eku) => ekus.includes(eku)), ...oids],
        keyTypes: keyTypes as FrontdoorProfile["keyTypes"],
        maxValidDays: Number(maxValidDays),
        allowCsrSubjectAltNames: allowCsrSans,
        allowWildcards,
      },
      namePolicy: policyOf(lists),
    };
    save(input, "Profile and name policy saved");
  }

  const box = (id: string, label: string, isChecked: boolean, onChange: (isOn: boolean) => void) => (
    <label key={id} className="flex items-center gap-2 text-sm">
      <input id={id} type="checkbox" className="size-4" checked={isChecked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );

  return (
    <Card>
      <h2 className="mb-2 font-semibold">Certificate profile and name policy</h2>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
        Every door (API, console, batches, EST, renewal) issues with these. A change applies to tokens and certificates from now on; certificates already issued stay as they are.
      </p>
      <form onSubmit={submit} aria-label="Certificate profile and name policy" className="space-y-4">
        <fieldset disabled={!canEdit || isPending} className="space-y-4">
          <fieldset className="space-y-1">
            <legend className="text-sm font-medium">Extended key usage</legend>
            <label className="flex items-center gap-2 text-sm">
              <input id="eku-clientAuth" type="checkbox" className="size-4" checked disabled readOnly />
              clientAuth (always)
            </label>
            {EXTRA_EKUS.map((eku) => box(`eku-${eku}`, eku, ekus.includes(eku), (isOn) => setEkus(toggle(ekus, eku, isOn))))}
            <Field id="eku-oids" label="Other EKU OIDs (comma-separated)" error={errorUnder(errors, "profile.extendedKeyUsage")}>
              <Input id="eku-oids" value={otherOids} onChange={(e) => setOtherOids(e.target.value)} error={errorUnder(errors, "profile.extendedKeyUsage")} placeholder="1.3.6.1.4.1.311.20.2.2" />
            </Field>
          </fieldset>
          <fieldset className="space-y-1" aria-describedby={errors["profile.keyTypes"] ? "key-types-error" : undefined}>
            <legend className="text-sm font-medium">Key types accepted</legend>
            <div className="flex flex-wrap gap-4">{KEY_TYPES.map((type) => box(`key-${type}`, type, keyTypes.includes(type), (isOn) => setKeyTypes(toggle(keyTypes, type, isOn))))}</div>
            {errors["profile.keyTypes"] ? <p id="key-types-error" role="alert" className="text-sm text-red-600 dark:text-red-400">{errors["profile.keyTypes"]}</p> : null}
          </fieldset>
          <Field id="max-valid-days" label="Longest certificate life (days)" error={errors["profile.maxValidDays"]} hint="1 to 825; a token asking for more is refused.">
            <Input id="max-valid-days" type="number" min={1} max={825} value={maxValidDays} onChange={(e) => setMaxValidDays(e.target.value)} error={errors["profile.maxValidDays"]} className="w-32" />
          </Field>
          {box("allow-csr-sans", "Use the CSR's subject alternative names when the token has none (each checked against the policy)", allowCsrSans, setAllowCsrSans)}
          {box("allow-wildcards", "Allow wildcard DNS names (*.example.com)", allowWildcards, setAllowWildcards)}
          <div>
            <h3 className="text-sm font-medium">Name policy</h3>
            <p className="mb-2 text-xs text-zinc-500 dark:text-zinc-400">One pattern per line. A kind with no allow list allows any name not denied; deny wins. * is one label or part of one, a leading . any name below; IP ranges in CIDR; a URI ending in * is a prefix; *@domain for email.</p>
            <div className="grid gap-3 sm:grid-cols-2">
              {SIDES.flatMap((side) =>
                NAME_KINDS.map((kind) => {
                  const id = `policy-${side}-${kind}`;
                  const error = errorUnder(errors, `namePolicy.${side}.${kind}`);
                  return (
                    <Field key={id} id={id} label={`${side === "allow" ? "Allow" : "Deny"}: ${KIND_LABEL[kind]}`} error={error}>
                      <textarea
                        id={id}
                        rows={2}
                        value={lists[side][kind]}
                        onChange={(e) => setLists({ ...lists, [side]: { ...lists[side], [kind]: e.target.value } })}
                        aria-invalid={error ? true : undefined}
                        aria-describedby={error ? `${id}-error` : undefined}
                        className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-xs aria-[invalid=true]:border-red-500 dark:border-zinc-700 dark:bg-zinc-900"
                      />
                    </Field>
                  );
                }),
              )}
            </div>
          </div>
        </fieldset>
        {canEdit ? <Button type="submit" disabled={isPending}>{isPending ? "Saving…" : "Save profile and policy"}</Button> : <p className="text-sm text-zinc-500">Only administrators change these.</p>}
      </form>
    </Card>
  );
}
