"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { KeyChoice } from "@/lib/pki/request";

const KEY_OPTIONS: { value: KeyChoice; label: string; hint: string }[] = [
  { value: "ec-p256", label: "ECDSA P-256", hint: "Recommended: fast and widely supported" },
  { value: "ec-p384", label: "ECDSA P-384", hint: "Stronger curve" },
  { value: "rsa-2048", label: "RSA 2048", hint: "For older systems; takes a moment to generate" },
  { value: "rsa-3072", label: "RSA 3072", hint: "For older systems; slower to generate" },
];

type Props = {
  isBusy: boolean;
  /** False outside a secure context, where browsers refuse to generate keys. */
  canGenerate: boolean;
  onGenerate: (choice: KeyChoice) => void;
  onSubmitCsr: (csrPem: string) => void;
};

/** Either make a key here (the default) or bring a CSR made elsewhere. */
export function RequestForm({ isBusy, canGenerate, onGenerate, onSubmitCsr }: Props) {
  const [choice, setChoice] = useState<KeyChoice>("ec-p256");
  const [mode, setMode] = useState<"generate" | "csr">(canGenerate ? "generate" : "csr");
  const [csr, setCsr] = useState("");

  async function readFile(file: File | undefined) {
    if (file) setCsr(await file.text());
  }

  return (
    <section aria-labelledby="request-heading" className="space-y-4">
      <h2 id="request-heading" className="text-lg font-semibold">
        Your key
      </h2>
      <div role="radiogroup" aria-label="How to make the key" className="flex flex-wrap gap-4 text-sm">
        <label className="flex items-center gap-2">
          <input type="radio" name="mode" checked={mode === "generate"} onChange={() => setMode("generate")} disabled={!canGenerate} className="size-4" />
          Generate a key in this browser
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="mode" checked={mode === "csr"} onChange={() => setMode("csr")} className="size-4" />
          I have a certificate request (CSR)
        </label>
      </div>

      {mode === "generate" && canGenerate ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            onGenerate(choice);
          }}
          className="space-y-4"
        >
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">Key type</legend>
            {KEY_OPTIONS.map((option) => (
              <label key={option.value} className="flex items-start gap-2 text-sm">
                <input type="radio" name="key" value={option.value} checked={choice === option.value} onChange={() => setChoice(option.value)} className="mt-0.5 size-4" />
                <span>
                  {option.label} <span className="text-zinc-500 dark:text-zinc-400">— {option.hint}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">The private key is made here and never leaves this browser. Only the request is sent.</p>
          <Button type="submit" disabled={isBusy}>
            {isBusy ? "Working…" : "Generate key and get certificate"}
          </Button>
        </form>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            onSubmitCsr(csr);
          }}
          className="space-y-3"
        >
          <Field id="csr" label="Certificate request (PEM)" hint="Paste it, or choose the .csr file.">
            <textarea
              id="csr"
              value={csr}
              onChange={(e) => setCsr(e.target.value)}
              rows={8}
              spellCheck={false}
              className="block w-full rounded-md border border-zinc-300 bg-white p-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
              placeholder="-----BEGIN CERTIFICATE REQUEST-----"
            />
          </Field>
          <label className="block text-sm">
            <span className="sr-only">CSR file</span>
            <input type="file" accept=".csr,.pem,.req,text/plain" onChange={(e) => void readFile(e.target.files?.[0])} aria-label="CSR file" />
          </label>
          <Button type="submit" disabled={isBusy || !csr.includes("BEGIN")}>
            {isBusy ? "Working…" : "Submit request"}
          </Button>
        </form>
      )}
    </section>
  );
}
