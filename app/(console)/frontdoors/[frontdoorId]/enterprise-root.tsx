"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import type { PendingCaView } from "@/lib/domain/ca/enterprise";
import { importIssuingCaAction, requestIssuingCaAction } from "./enterprise-root-actions";

// An issuing CA signed by the organisation's own root, in the two steps `certdoor ca csr`
// and `ca import` take (administrators only; the page does not render this for others and
// the actions refuse them). A refusal is shown with its code, beside the upload.

type Refusal = { code: string; message: string };

function RefusalNote({ refusal, testId }: { refusal: Refusal | null; testId: string }) {
  if (!refusal) return null;
  return (
    <div role="alert" data-testid={testId} className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100">
      <p className="font-mono text-xs">{refusal.code}</p>
      <p>{refusal.message}</p>
    </div>
  );
}

function downloadHref(pem: string) {
  return `data:application/pkcs10;charset=utf-8,${encodeURIComponent(pem)}`;
}

export function EnterpriseRoot({ frontdoorId, name, pending }: { frontdoorId: string; name: string; pending: PendingCaView | null }) {
  const router = useRouter();
  const [subject, setSubject] = useState("");
  const [certificate, setCertificate] = useState<File | null>(null);
  const [chain, setChain] = useState<File | null>(null);
  const [requestRefusal, setRequestRefusal] = useState<(Refusal & { fieldErrors?: Record<string, string> }) | null>(null);
  const [importRefusal, setImportRefusal] = useState<Refusal | null>(null);
  const [isPending, startTransition] = useTransition();

  function makeRequest(event: React.FormEvent) {
    event.preventDefault();
    startTransition(async () => {
      const result = await requestIssuingCaAction(frontdoorId, { subject });
      if (!result.ok) return setRequestRefusal(result);
      setRequestRefusal(null);
      toast.success(result.data.replacedId ? "New request made; it replaces the one before" : "Request made: download it for your CA");
      router.refresh();
    });
  }

  function upload(event: React.FormEvent) {
    event.preventDefault();
    if (!certificate) return setImportRefusal({ code: "validation_failed", message: "Choose the signed certificate (PEM) first." });
    startTransition(async () => {
      const result = await importIssuingCaAction(frontdoorId, { certificatePem: await certificate.text(), chainPem: chain ? await chain.text() : undefined });
      if (!result.ok) return setImportRefusal(result);
      setImportRefusal(null);
      toast.success(`Imported: generation ${result.data.current.generation} under ${result.data.enterpriseRoot.subject} signs from now on`);
      router.refresh();
    });
  }

  return (
    <Card>
      <h2 className="mb-2 font-semibold">Enterprise root</h2>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
        Have your organisation&apos;s CA sign this Frontdoor&apos;s next issuing CA: make a request, have it signed as a subordinate CA (CA:TRUE, keyCertSign, cRLSign), then upload the certificate with the chain up to your root. It then replaces the current issuing CA as a rotation does. Frontdoors under one enterprise root share that anchor: gateways must pin this Frontdoor&apos;s issuing CA (README, Enterprise root).
      </p>
      <form onSubmit={makeRequest} className="space-y-2" aria-label="Certificate request">
        <h3 className="text-sm font-semibold">1. Request</h3>
        <Field id="ca-subject" label="Subject (optional)" error={requestRefusal?.fieldErrors?.subject} hint="In certificate order, e.g. C=DE, O=Example Corp, CN=Edge issuing CA. Empty: named like this Frontdoor's own issuing CAs.">
          <Input id="ca-subject" value={subject} onChange={(e) => setSubject(e.target.value)} error={requestRefusal?.fieldErrors?.subject} maxLength={512} />
        </Field>
        {requestRefusal && !requestRefusal.fieldErrors ? <RefusalNote refusal={requestRefusal} testId="ca-request-refusal" /> : null}
        <Button type="submit" variant="secondary" disabled={isPending}>{pending ? "Make a new request (replaces the pending one)" : "Make request"}</Button>
      </form>
      {pending ? (
        <div className="mt-2 text-sm" data-testid="pending-ca">
          <p>
            Pending since {pending.createdAt.toISOString()}: <span className="break-words">{pending.subject}</span>
          </p>
          <a className="text-indigo-600 underline dark:text-indigo-400" href={downloadHref(pending.csrPem)} download={`${name}-issuing-ca.csr`} data-testid="download-csr">
            Download request (.csr)
          </a>
        </div>
      ) : null}
      <form onSubmit={upload} className="mt-4 space-y-2" aria-label="Signed certificate">
        <h3 className="text-sm font-semibold">2. Import the signed certificate</h3>
        <Field id="ca-cert" label="Signed issuing CA certificate (PEM)">
          <Input id="ca-cert" type="file" accept=".pem,.crt,.cer,text/plain" onChange={(e) => setCertificate(e.target.files?.[0] ?? null)} />
        </Field>
        <Field id="ca-chain" label="Chain: intermediates and root (PEM)" hint="Every certificate above the issuing CA, up to and with your self-signed root, in any order.">
          <Input id="ca-chain" type="file" accept=".pem,.crt,.cer,text/plain" onChange={(e) => setChain(e.target.files?.[0] ?? null)} />
        </Field>
        <RefusalNote refusal={importRefusal} testId="ca-import-refusal" />
        <Button type="submit" disabled={isPending || !pending}>Import and make current</Button>
        {!pending ? <p className="text-xs text-zinc-500 dark:text-zinc-400">Make a request first: a certificate is imported for the pending request&apos;s key.</p> : null}
      </form>
    </Card>
  );
}
