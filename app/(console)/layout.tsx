import type { ReactNode } from "react";
import { NavLinks } from "@/components/console/nav-links";
import { QueryProvider } from "@/components/providers/query-provider";
import { Button } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/session";
import { linkAddressNotice } from "@/lib/console/origin";
import { countApprovalsForMe } from "@/lib/domain/tokens/approval-queue";
import { signOutAction } from "./actions";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const [notice, approvals] = await Promise.all([user.role === "auditor" ? null : linkAddressNotice(), countApprovalsForMe(user)]);
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <aside className="border-b border-zinc-200 bg-white p-4 md:w-60 md:border-b-0 md:border-r dark:border-zinc-800 dark:bg-zinc-900">
        <p className="mb-4 px-3 text-lg font-semibold tracking-tight">
          Cert<span className="text-indigo-600 dark:text-indigo-400">door</span>
        </p>
        <nav aria-label="Console">
          <NavLinks role={user.role} counts={{ "/approvals": approvals }} />
        </nav>
        <div className="mt-3 flex items-center justify-between gap-3 border-t border-zinc-200 px-3 pt-3 text-sm md:mt-6 md:block md:pt-4 dark:border-zinc-800">
          <div className="min-w-0">
            <p className="truncate font-medium" data-testid="current-user">
              {user.email}
            </p>
            <p className="text-zinc-500 dark:text-zinc-400">
              Role: <span data-testid="current-role">{user.role}</span>
            </p>
          </div>
          <form action={signOutAction} className="md:mt-3">
            <Button type="submit" variant="secondary" className="md:w-full">
              Sign out
            </Button>
          </form>
        </div>
      </aside>
      <main className="min-w-0 flex-1 p-4 md:p-8">
        {notice ? (
          <p role="status" data-testid="public-url-notice" className="mb-6 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
            {notice}
          </p>
        ) : null}
        <QueryProvider>{children}</QueryProvider>
      </main>
    </div>
  );
}
