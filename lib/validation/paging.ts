import { z } from "zod";
import { printable } from "@/lib/validation/common";

// The query every list endpoint takes: page (0 to MAX_PAGE), size (1–100), sort "field,direction"
// over the fields that list allows, and a search string.

export type Sort<F extends string> = { field: F; direction: "asc" | "desc" };

export const MAX_PAGE_SIZE = 100;

/**
 * The last page a list serves: offset paging makes PostgreSQL walk and drop every earlier
 * row, so a page number is no way to reach row ten million (at the largest size). Narrow
 * with status or q, sort the other way, or use the export, which reads by cursor.
 */
export const MAX_PAGE = 100_000;

export function pageQuerySchema<const F extends readonly [string, ...string[]]>(sortFields: F) {
  return z.object({
    page: z.coerce.number().int().min(0).max(MAX_PAGE, `Use a page up to ${MAX_PAGE}; narrow the list with status or q, or use the export`).default(0),
    size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
    sort: z
      .string()
      .default("createdAt,desc")
      .transform((v, ctx): Sort<F[number]> => {
        const [field = "", direction = "asc"] = v.split(",").map((s) => s.trim());
        if (!sortFields.includes(field) || !["asc", "desc"].includes(direction.toLowerCase())) {
          ctx.addIssue({ code: "custom", message: `Use field,direction with field one of ${sortFields.join(", ")}` });
          return z.NEVER;
        }
        return { field: field as F[number], direction: direction.toLowerCase() as "asc" | "desc" };
      }),
    // Names and subjects hold no control characters, so a search for one could find nothing.
    q: printable(z.string().trim().max(128)).optional(),
  });
}

/** An optional status filter; an empty value (a cleared form field) means none. */
export function statusFilter<const S extends readonly [string, ...string[]]>(statuses: S) {
  return z.enum(statuses).optional().or(z.literal("").transform(() => undefined));
}

export type Page<T> = { content: T[]; totalElements: number; totalPages: number; page: number; size: number };

export function pageOf<T>(content: T[], totalElements: number, query: { page: number; size: number }): Page<T> {
  return { content, totalElements, totalPages: Math.ceil(totalElements / query.size), page: query.page, size: query.size };
}
