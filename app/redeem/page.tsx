import type { Metadata } from "next";
import { QueryProvider } from "@/components/providers/query-provider";
import { RedeemClient } from "./redeem-client";

// The public redemption page. Its server part is this shell: the token lives in the URL
// fragment, which never reaches the server, and everything else happens in the browser.

export const metadata: Metadata = {
  title: "Get your certificate",
  robots: { index: false, follow: false },
  referrer: "no-referrer",
};

export default function RedeemPage() {
  return (
    <main className="mx-auto max-w-2xl space-y-6 px-4 py-10">
      <header>
        <p className="text-sm font-semibold uppercase tracking-widest text-indigo-600 dark:text-indigo-400">Certdoor</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">Get your client certificate</h1>
      </header>
      <div className="rounded-xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <QueryProvider>
          <RedeemClient />
        </QueryProvider>
      </div>
    </main>
  );
}
