import "server-only";
import { requireActionPrincipal } from "@/lib/auth/session";
import { isDatabaseUnavailable, unavailableLogFields } from "@/lib/db/unavailable";
import { databaseUnavailable, type ErrorCode, isAppError } from "@/lib/domain/errors";
import type { UserPrincipal } from "@/lib/domain/access/principal";
import { firstMessages } from "@/lib/validation/parse";
import { logger } from "@/lib/observability/log";

// The one wrapper every server action goes through: it authenticates the caller itself
// (a layout guard does not cover actions), runs the domain call, and turns expected
// failures into values the form can show. Unexpected errors are logged, never echoed.

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; code: ErrorCode; message: string; fieldErrors?: Record<string, string> };

/**
 * `authenticate` is the signed-in console user unless the action belongs to a sign-in step
 * (the second factor's own actions pass requirePendingPrincipal or requireEnrollingPrincipal).
 */
export async function runAction<T>(fn: (principal: UserPrincipal) => Promise<T>, authenticate: () => Promise<UserPrincipal> = requireActionPrincipal): Promise<ActionResult<T>> {
  try {
    const principal = await authenticate();
    return { ok: true, data: await fn(principal) };
  } catch (error) {
    if (isAppError(error)) {
      const fieldErrors = error.errors?.length ? firstMessages(error.errors) : undefined;
      return { ok: false, code: error.code, message: error.message, fieldErrors };
    }
    if (isDatabaseUnavailable(error)) {
      logger("action").warn({ err: unavailableLogFields(error) }, "database unavailable in a server action");
      const { code, message } = databaseUnavailable();
      return { ok: false, code, message };
    }
    logger("action").error({ err: error }, "unexpected error in a server action");
    return { ok: false, code: "internal", message: "Something went wrong on our side. Try again." };
  }
}

/**
 * A server action's text argument as the domain takes it. Actions are endpoints anyone can
 * call with any serializable value: a string passes (a NUL as U+FFFD, as the HTTP doors do,
 * since PostgreSQL text cannot hold one), numbers and booleans as their text, and anything
 * else (an object, even one without a prototype that String() cannot convert) names nothing.
 */
export function textArg(value: unknown): string {
  if (typeof value === "string") return value.replaceAll("\0", "\ufffd");
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return "";
}
