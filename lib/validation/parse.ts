import type { z } from "zod";
import { AppError, type FieldError } from "@/lib/domain/errors";

/** A zod path as people write it: `subjectAltNames.dns[1]`, `events[0]`; "(root)" when empty. */
export function pathText(path: readonly PropertyKey[]): string {
  const text = path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), "");
  return text || "(root)";
}

/** zod issues as the contract's `errors: [{ path, message }]`. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: pathText(issue.path), message: issue.message }));
}

/** Problems as { path: message }, the first message per path, for forms beside their fields. */
export function firstMessages(errors: FieldError[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const e of errors) map[e.path] ??= e.message;
  return map;
}

/** A form's own zod check, as the same { path: message } the server actions return. */
export function fieldErrorMap(error: z.ZodError): Record<string, string> {
  return firstMessages(fieldErrors(error));
}

/** Parses or throws `validation_failed` with the path of each problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const errors = fieldErrors(result.error);
    throw new AppError("validation_failed", errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
  }
  return result.data;
}
