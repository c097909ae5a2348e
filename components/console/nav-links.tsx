"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const links: { href: string; label: string; roles?: readonly string[] }[] = [
  { href: "/", label: "Dashboard" },
  { href: "/frontdoors", label: "Frontdoors" },
  { href: "/tokens", label: "Tokens" },
  { href: "/certificates", label: "Certificates" },
  { href: "/webhooks", label: "Webhooks", roles: ["admin", "auditor"] },
  { href: "/audit", label: "Audit" },
  { href: "/settings", label: "Settings" },
];

/** The console's pages; a page only some roles may use is listed for those (its page checks again). */
export function NavLinks({ role }: { role?: string }) {
  const pathname = usePathname();
  return (
    <ul className="flex gap-1 overflow-x-auto md:flex-col">
      {links.filter((link) => !link.roles || (role !== undefined && link.roles.includes(role))).map((link) => {
        const isActive = link.href === "/" ? pathname === "/" : pathname.startsWith(link.href);
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
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
