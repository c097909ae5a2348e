"use client";

import { useEffect, useState } from "react";
import { Field, Textarea } from "@/components/ui/field";
import { SAN_LABELS } from "@/lib/format/subject-alt-names";
import { SAN_KINDS, type SanKind, type SubjectAltNamesInput } from "@/lib/validation/subject-alt-names";

// The create form's "More names": the token's subject alternative names, one textarea per
// kind and one value per line, folded away so the usual token stays a short form. Errors
// come as `subjectAltNames.dns[1]` paths (the same schema on both sides) and are shown
// beside their kind, each naming the value it is about.

export type MoreNamesText = Record<SanKind, string>;
export const NO_MORE_NAMES: MoreNamesText = { dns: "", ip: "", uri: "", email: "" };

const PLACEHOLDER: Record<SanKind, string> = {
  dns: "build-agent-7.ci.example.com",
  ip: "10.0.0.7\n2001:db8::7",
  uri: "spiffe://ci.example.com/agent/7",
  email: "ci@example.com",
};

const linesOf = (text: string) => text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);

/** The textareas as the `subjectAltNames` input: one value per line, blank lines skipped. */
export function subjectAltNamesInput(text: MoreNamesText): SubjectAltNamesInput {
  const sans: SubjectAltNamesInput = {};
  for (const kind of SAN_KINDS) {
    const values = linesOf(text[kind]);
    if (values.length) sans[kind] = values;
  }
  return sans;
}

/** One kind's errors, each with the value it is about ("bad..name: …"). */
function kindError(kind: SanKind, values: string[], errors: Record<string, string>): string | undefined {
  const messages = Object.entries(errors).flatMap(([path, message]) => {
    const match = /^subjectAltNames\.(\w+)(?:\[(\d+)\])?$/.exec(path);
    if (match?.[1] !== kind) return [];
    const value = match[2] === undefined ? undefined : values[Number(match[2])];
    return [value === undefined ? message : `${value}: ${message}`];
  });
  return messages.length ? messages.join("; ") : undefined;
}

export function MoreNames({ text, onChange, errors }: { text: MoreNamesText; onChange: (text: MoreNamesText) => void; errors: Record<string, string> }) {
  const hasErrors = Object.keys(errors).some((path) => path.startsWith("subjectAltNames"));
  const [isOpen, setOpen] = useState(false);
  // An error inside must never hide in a closed section.
  useEffect(() => {
    if (hasErrors) setOpen(true);
  }, [hasErrors]);
  const count = SAN_KINDS.reduce((n, kind) => n + linesOf(text[kind]).length, 0);
  return (
    <details open={isOpen} onToggle={(e) => setOpen(e.currentTarget.open)} className="rounded-md border border-zinc-200 px-4 py-3 dark:border-zinc-800">
      <summary className="cursor-pointer text-sm font-medium">More names (DNS, IP, URI, email){count > 0 ? `: ${count}` : ""}</summary>
      <div className="mt-3 space-y-3">
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          Subject alternative names: the certificate carries exactly these, whatever the holder&apos;s request asks for. One per line; a SPIFFE ID is a URI.
        </p>
        {errors.subjectAltNames ? <p role="alert" className="text-sm text-red-600 dark:text-red-400">{errors.subjectAltNames}</p> : null}
        <div className="grid gap-4 sm:grid-cols-2">
          {SAN_KINDS.map((kind) => {
            const error = kindError(kind, linesOf(text[kind]), errors);
            return (
              <Field key={kind} id={`san-${kind}`} label={SAN_LABELS[kind]} error={error}>
                <Textarea id={`san-${kind}`} rows={3} value={text[kind]} placeholder={PLACEHOLDER[kind]} error={error} spellCheck={false} autoCapitalize="off"
                  onChange={(e) => onChange({ ...text, [kind]: e.target.value })} />
              </Field>
            );
          })}
        </div>
      </div>
    </details>
  );
}
