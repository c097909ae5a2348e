import type { z } from "zod";

/** zod issues as { field: message }, the first message per field, for forms. */
export function fieldErrorMap(error: z.ZodError): Record<string, string> {
  const map: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "form";
    map[key] ??= issue.message;
  }
  return map;
}
