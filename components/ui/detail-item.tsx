import type { ReactNode } from "react";

/** One label and value of a detail page's <dl>; an empty value shows a dash. */
export function DetailItem({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-2 py-2">
      <dt className="text-sm text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="col-span-2 break-words text-sm">{children ?? "—"}</dd>
    </div>
  );
}
