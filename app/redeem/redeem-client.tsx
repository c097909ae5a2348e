"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { RequestForm } from "@/components/redeem/request-form";
import { TokenEntry } from "@/components/redeem/token-entry";
import { TokenPreview } from "@/components/redeem/token-preview";
import { UsageHelp } from "@/components/redeem/usage-help";
import { fetchPreview, type IssuedCertificate, redeem, RedemptionFailure } from "@/lib/pki/browser/api";
import { type KeyChoice, makeKeyAndRequest } from "@/lib/pki/request";
import { parseRedemptionTarget, type RedemptionTarget } from "@/lib/wire/redeem-link";
import { redemptionMessage } from "@/lib/wire/redemption-messages";

type Step = "key" | "request" | "done";
type Outcome = { certificate: IssuedCertificate; pkcs8Der?: Uint8Array };

// The files panel (PEM and PKCS#12 building, password strength) is needed only once a
// certificate is back, so it is not part of the page's first load; its fetch starts with
// the redemption, alongside the key generation and the request.
const loadDownloads = () => import("@/components/redeem/downloads");
const Downloads = lazy(() => loadDownloads().then((m) => ({ default: m.Downloads })));

function Problem({ failure }: { failure: unknown }) {
  const code = failure instanceof RedemptionFailure ? failure.code : "internal";
  const wait = failure instanceof RedemptionFailure && failure.retryAfter ? ` (about ${failure.retryAfter} seconds)` : "";
  return (
    <div role="alert" data-testid="redeem-error" data-code={code} className="rounded-md border border-red-300 bg-red-50 p-4 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
      {redemptionMessage(code, failure instanceof Error ? failure.message : undefined)}
      {wait}
    </div>
  );
}

function Progress({ step }: { step: Step }) {
  const steps: [Step, string][] = [
    ["key", "Generating your key"],
    ["request", "Requesting the certificate"],
    ["done", "Done"],
  ];
  const index = steps.findIndex(([s]) => s === step);
  return (
    <ol aria-live="polite" className="space-y-1 text-sm" data-testid="progress">
      {steps.map(([s, label], i) => (
        <li key={s} className={i <= index ? "font-medium" : "text-zinc-500 dark:text-zinc-400"}>
          {i < index || step === "done" ? "✓" : i === index ? "…" : "○"} {label}
        </li>
      ))}
    </ol>
  );
}

export function RedeemClient() {
  const [target, setTarget] = useState<RedemptionTarget | null>(null);
  const [hasReadFragment, setReadFragment] = useState(false);
  const [step, setStep] = useState<Step | null>(null);
  const [isKeySaved, setKeySaved] = useState(false);
  const [isSecure, setSecure] = useState(true);
  const inFlight = useRef(false);

  useEffect(() => {
    setSecure(window.isSecureContext);
    const fromFragment = parseRedemptionTarget(window.location.hash);
    // The secret is now in memory; take it out of the address bar and the history.
    if (window.location.hash) history.replaceState(null, "", window.location.pathname);
    setTarget(fromFragment);
    setReadFragment(true);
  }, []);

  const preview = useQuery({
    queryKey: ["redeem-preview", target?.frontdoorId, target?.token],
    queryFn: () => fetchPreview(target!.frontdoorId, target!.token),
    enabled: target !== null,
  });

  const redemption = useMutation<Outcome, unknown, { choice: KeyChoice } | { csrPem: string }>({
    mutationFn: async (input) => {
      void loadDownloads();
      if ("csrPem" in input) {
        setStep("request");
        return { certificate: await redeem(target!.frontdoorId, target!.token, input.csrPem) };
      }
      setStep("key");
      // Marks for bench/redeem-page.mjs: key and CSR generation alone.
      performance.mark("certdoor:key-start");
      const { csrPem, pkcs8Der } = await makeKeyAndRequest(input.choice, preview.data?.token.commonName ?? "certdoor-client");
      performance.measure("certdoor:key-and-csr", "certdoor:key-start");
      setStep("request");
      return { certificate: await redeem(target!.frontdoorId, target!.token, csrPem), pkcs8Der };
    },
    onSuccess: () => setStep("done"),
    onError: () => setStep(null),
    onSettled: () => {
      inFlight.current = false;
    },
  });

  const start = useCallback(
    (input: { choice: KeyChoice } | { csrPem: string }) => {
      // One submission, however fast the clicks: the ref flips before React re-renders.
      if (inFlight.current || redemption.isSuccess) return;
      inFlight.current = true;
      redemption.mutate(input);
    },
    [redemption],
  );

  const outcome = redemption.data;
  const mustWarn = Boolean(outcome?.pkcs8Der) && !isKeySaved;
  useEffect(() => {
    if (!mustWarn) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [mustWarn]);

  const onExpired = useCallback(() => void preview.refetch(), [preview]);

  if (!hasReadFragment) return <p className="text-sm">Loading…</p>;
  if (!target) return <TokenEntry onSubmit={setTarget} />;
  if (preview.isPending) return <p className="text-sm" aria-live="polite">Checking your token…</p>;
  if (preview.isError) return <Problem failure={preview.error} />;

  return (
    <div className="space-y-8">
      <TokenPreview preview={preview.data} onExpired={onExpired} />
      {!isSecure ? (
        <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          Your browser only generates keys on secure pages (HTTPS, or http://localhost). Open this link over HTTPS, or make a
          certificate request elsewhere and paste it below.
        </div>
      ) : null}
      {outcome ? (
        <>
          <Progress step="done" />
          <div role="status" className="rounded-md border border-green-300 bg-green-50 p-4 text-sm text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-100">
            Your certificate for <strong data-testid="issued-cn">{outcome.certificate.commonName}</strong> is ready (serial{" "}
            <code>{outcome.certificate.serialNumber}</code>, valid until {new Date(outcome.certificate.notAfter).toLocaleDateString()}).
            {outcome.pkcs8Der && !isKeySaved ? " Save your private key now: it exists only in this page and cannot be downloaded later." : ""}
          </div>
          <Suspense fallback={<p className="text-sm">Preparing your files…</p>}>
            <Downloads certificate={outcome.certificate} pkcs8Der={outcome.pkcs8Der} onKeySaved={() => setKeySaved(true)} />
          </Suspense>
          <UsageHelp hasKey={Boolean(outcome.pkcs8Der)} />
        </>
      ) : (
        <>
          {step ? <Progress step={step} /> : null}
          {redemption.isError ? <Problem failure={redemption.error} /> : null}
          <RequestForm
            isBusy={redemption.isPending}
            canGenerate={isSecure}
            onGenerate={(choice) => start({ choice })}
            onSubmitCsr={(csrPem) => start({ csrPem })}
          />
        </>
      )}
    </div>
  );
}
