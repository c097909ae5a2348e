"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const links: { href: string; label: string; roles?: readonly string[] }[] = [
  { href: "/", label: "Dashboard" },
  { href: "/frontdoors", label: "Frontdoors" },
  { href: "/tokens", label: "Tokens" },
  { href: "/certificates", label: "Certificates" },
  { href: "/approvals", label: "Approvals" },
  { href: "/webhooks", label: "Webhooks", roles: ["admin", "auditor"] },
  { href: "/audit", label: "Audit" },
  { href: "/settings", label: "Settings" },
];

/**
 * The console's pages; a page only some roles may use is listed for those (its page checks again).
 * `counts` puts a number beside a link (what waits for the signed-in user there); 0 shows none.
 */
export function NavLinks({ role, counts = {} }: { role?: string; counts?: Record<string, number> }) {
  const pathname = usePathname();
  return (
    <ul className="flex gap-1 overflow-x-auto md:flex-col">
      {links.filter((link) => !link.roles || (role !== undefined && link.roles.includes(role))).map((link) => {
        const isActive = link.href === "/" ? pathname === "/" : pathname.startsWith(link.href);
        const count = counts[link.href] ?? 0;
        return (
          <li key={link.href}>
            <Link
              href={link.href}
              aria-current={isActive ? "page" : undefined}
              className={cn(
                "block whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium",
                isActive
                  ? "bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300"
                  : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800",
              )}
            >
              {link.label}
              {count > 0 ? (
                <span data-testid={`nav-count-${link.href.slice(1)}`} className="ml-2 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900 dark:bg-amber-900/40 dark:text-amber-200">
                  {count}
                  <span className="sr-only"> waiting for you</span>
                </span>
              ) : null}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
