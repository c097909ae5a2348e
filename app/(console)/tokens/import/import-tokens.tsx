"use client";

import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Table, Td, Th } from "@/components/ui/table";
import { csvRow } from "@/lib/format/csv";
import { BATCH_CSV_COLUMNS } from "@/lib/validation/token-batch-columns";
import { createTokenBatchAction, previewTokenBatchAction } from "../actions";

type Preview = { csv: string; fileName: string; rows: Record<string, unknown>[]; errors: { path: string; message: string }[] };
type Created = Extract<Awaited<ReturnType<typeof createTokenBatchAction>>, { ok: true }>["data"]["tokens"];

const TEMPLATE = `data:text/csv;charset=utf-8,${encodeURIComponent(csvRow([...BATCH_CSV_COLUMNS]) + csvRow(["Dana Smith, laptop", "dana.example.com", "Example Corp", "IT", "dana@example.com", "", "365", "dana.example.com", "", "", "dana@example.com"]))}`;

/** Errors by CSV row number (the header is row 1); file-level errors under 0. */
function errorsByRow(errors: Preview["errors"]): Map<number, string[]> {
  const map = new Map<number, string[]>();
  for (const e of errors) {
    const match = /^row (\d+): (.*)$/.exec(e.path);
    const row = match ? Number(match[1]) : 0;
    map.set(row, [...(map.get(row) ?? []), match ? `${match[2]}: ${e.message}` : e.message]);
  }
  return map;
}

/** Upload, preview with each row's errors, create all or nothing, then the links as CSV, offered this once. */
export function ImportTokens({ frontdoorId, frontdoorName, canEmail }: { frontdoorId: string; frontdoorName: string; canEmail: boolean }) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [isPending, startTransition] = useTransition();

  function upload(file: File | undefined) {
    if (!file) return;
    startTransition(async () => {
      const csv = await file.text();
      const result = await previewTokenBatchAction(frontdoorId, csv);
      if (!result.ok) return void toast.error(result.message);
      setPreview({ csv, fileName: file.name, ...result.data });
    });
  }

  function create() {
    if (!preview) return;
    startTransition(async () => {
      const result = await createTokenBatchAction(frontdoorId, preview.csv);
      if (!result.ok) return void toast.error(result.message);
      setCreated(result.data.tokens);
      setPreview(null);
      toast.success(`${result.data.tokens.length} tokens created`);
    });
  }

  if (created) return <CreatedBatch tokens={created} frontdoorName={frontdoorName} onDone={() => setCreated(null)} />;

  const byRow = errorsByRow(preview?.errors ?? []);
  const recipients = preview?.rows.filter((r) => r.recipientEmail).length ?? 0;
  return (
    <div className="space-y-5">
      <div className="space-y-2 text-sm">
        <p>
          On Frontdoor <strong>{frontdoorName}</strong>. The header is <code className="text-xs">{BATCH_CSV_COLUMNS.join(",")}</code>; only <code>name</code> is required.{" "}
          <a className="underline" href={TEMPLATE} download="certdoor-tokens.csv">Download a template</a>.
        </p>
        <label htmlFor="csv-file" className="block font-medium">CSV file</label>
        <input id="csv-file" type="file" accept=".csv,text/csv" disabled={isPending} onChange={(e) => { upload(e.target.files?.[0]); e.target.value = ""; }} className="text-sm" />
      </div>
      {preview ? (
        <section aria-label="Preview" className="space-y-3">
          <p role="status" data-testid="import-summary" className="text-sm">
            {preview.fileName}: {preview.rows.length} rows.{" "}
            {preview.errors.length > 0
              ? `${byRow.size} ${byRow.size === 1 ? "row has" : "rows have"} errors: fix them in the file and upload it again. Nothing is created until every row is right.`
              : `Ready. ${recipients > 0 ? (canEmail ? `${recipients} ${recipients === 1 ? "link" : "links"} will be emailed to ${recipients === 1 ? "its recipient" : "their recipients"}.` : `Email is not set up, so ${recipients === 1 ? "the recipient gets" : `the ${recipients} recipients get`} nothing: pass the links on from the CSV you download next.`) : ""}`}
          </p>
          {byRow.get(0) ? <p role="alert" className="text-sm text-red-700 dark:text-red-400">{byRow.get(0)!.join("; ")}</p> : null}
          {preview.rows.length > 0 ? (
            <Table label="Rows to import">
              <thead><tr><Th>Row</Th><Th>Name</Th><Th>CN</Th><Th>O / OU</Th><Th>Recipient</Th><Th>Days</Th><Th>More names</Th><Th>Problems</Th></tr></thead>
              <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
                {preview.rows.slice(0, 1000).map((row, i) => {
                  const problems = byRow.get(i + 2);
                  return (
                    <tr key={i} data-testid={`import-row-${i + 2}`} aria-invalid={problems ? true : undefined} className={problems ? "bg-red-50 dark:bg-red-950/40" : undefined}>
                      <Td>{i + 2}</Td>
                      <Td>{String(row.name ?? "")}</Td>
                      <Td>{String(row.commonName ?? "")}</Td>
                      <Td className="text-xs">{[row.organization, row.organizationalUnit].filter(Boolean).join(" / ")}</Td>
                      <Td className="text-xs">{String(row.recipientEmail ?? "")}</Td>
                      <Td>{String(row.validDays ?? 365)}</Td>
                      <Td className="text-xs">{Object.values((row.subjectAltNames ?? {}) as Record<string, string[]>).flat().join(" ")}</Td>
                      <Td className="text-xs text-red-700 dark:text-red-400">{problems?.join("; ")}</Td>
                    </tr>
                  );
                })}
              </tbody>
            </Table>
          ) : null}
          <Button onClick={create} disabled={isPending || preview.errors.length > 0 || preview.rows.length === 0}>
            {isPending ? "Creating…" : `Create ${preview.rows.length} tokens`}
          </Button>
        </section>
      ) : null}
    </div>
  );
}

/** The created tokens: delivery in numbers, and every link as CSV, this once. */
function CreatedBatch({ tokens, frontdoorName, onDone }: { tokens: Created; frontdoorName: string; onDone: () => void }) {
  const sent = tokens.filter((t) => t.delivery?.status === "sent").length;
  const unsent = tokens.filter((t) => t.delivery && t.delivery.status !== "sent").length;
  const columns = ["id", "name", "commonName", "organization", "organizationalUnit", "recipientEmail", "expiresAt", "validDays", "token", "redemptionUrl", "delivery"] as const;
  const csv = csvRow([...columns]) + tokens.map((t) => csvRow(columns.map((c) => (c === "delivery" ? (t.delivery?.status ?? "") : t[c])))).join("");
  return (
    <section aria-labelledby="batch-created" className="space-y-4 rounded-lg border border-green-300 bg-green-50 p-5 dark:border-green-800 dark:bg-green-950/40">
      <h2 id="batch-created" className="text-lg font-semibold">{tokens.length} tokens created on {frontdoorName}</h2>
      <p className="text-sm" data-testid="batch-delivery">
        {sent > 0 ? `${sent} ${sent === 1 ? "link was" : "links were"} emailed. ` : ""}
        {unsent > 0 ? `${unsent} could not be emailed: pass ${unsent === 1 ? "it" : "those"} on from the CSV. ` : ""}
        <strong>Download the links now: this is the only time they are shown.</strong>
      </p>
      <div className="flex flex-wrap gap-2">
        <a className="inline-flex items-center rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500" href={`data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`} download="certdoor-links.csv">
          Download links (CSV)
        </a>
        <Button variant="secondary" onClick={onDone}>I have saved them — close</Button>
      </div>
    </section>
  );
}
