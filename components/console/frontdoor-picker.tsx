"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Select } from "@/components/ui/field";

/** Switches the page's Frontdoor (?frontdoor=…); "All" where the page supports it. */
export function FrontdoorPicker({ frontdoors, current, allowAll = false }: { frontdoors: { id: string; name: string }[]; current: string | null; allowAll?: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="frontdoor-picker" className="text-sm font-medium">
        Frontdoor
      </label>
      <Select
        id="frontdoor-picker"
        className="w-56"
        value={current ?? ""}
        onChange={(e) => {
          const next = new URLSearchParams(params.toString());
          if (e.target.value) next.set("frontdoor", e.target.value);
          else next.delete("frontdoor");
          router.push(`${pathname}?${next.toString()}`);
        }}
      >
        {allowAll ? <option value="">All Frontdoors</option> : null}
        {frontdoors.map((f) => (
          <option key={f.id} value={f.id}>
            {f.name}
          </option>
        ))}
      </Select>
    </div>
  );
}
