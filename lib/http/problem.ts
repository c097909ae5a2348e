import { UNAVAILABLE_RETRY_AFTER_SECONDS } from "@/lib/db/unavailable";
import { logger } from "@/lib/observability/log";
import { AppError, ERROR_STATUS, OperatorOnlyError, ERROR_TITLE, type ErrorCode, type FieldError } from "@/lib/domain/errors";

// RFC 9457 problem details with the contract's `code`. Nothing from an unexpected error
// (message, stack) ever reaches the body.

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
};

export function problemBody(code: ErrorCode, detail?: string, errors?: FieldError[]): Problem {
  return {
    type: `https://certdoor.dev/problems/${code.replace(/_/g, "-")}`,
    title: ERROR_TITLE[code],
    status: ERROR_STATUS[code],
    detail: detail ?? ERROR_TITLE[code],
    code,
    ...(errors?.length ? { errors } : {}),
  };
}

export function problemResponse(code: ErrorCode, detail?: string, options: { errors?: FieldError[]; headers?: HeadersInit } = {}): Response {
  const body = problemBody(code, detail, options.errors);
  const headers = new Headers(options.headers);
  headers.set("Content-Type", "application/problem+json");
  headers.set("Cache-Control", "no-store");
  if (code === "unauthenticated" && !headers.has("WWW-Authenticate")) headers.set("WWW-Authenticate", 'Bearer realm="certdoor"');
  if (code === "unavailable" && !headers.has("Retry-After")) headers.set("Retry-After", String(UNAVAILABLE_RETRY_AFTER_SECONDS));
  return new Response(JSON.stringify(body), { status: body.status, headers });
}

/**
 * What a caller is told of an expected failure. A CA key that cannot be reached is the
 * operator's to fix, and its detail names the token, the CA and the PKCS#11 return code:
 * that goes to the log (once per answer), and the caller, who may be anyone holding a token,
 * is told only that signing is down for now. So is any OperatorOnlyError (Intune's sign-in
 * refused, its service unreachable): the detail to the log, the caller its public text.
 */
export function publicDetail(error: AppError): string {
  if (error instanceof OperatorOnlyError) {
    logger("operator").error({ code: error.code }, error.message);
    return error.publicText;
  }
  if (error.code !== "ca_key_unavailable") return error.message;
  logger("ca-keys").error({ code: error.code }, error.message);
  return "The certificate authority's signing key cannot be reached right now, so nothing can be signed. The operator has been told (server log); try again later.";
}

/** How a door answers an expected failure: problem+json here, plain text for EST (lib/http/est.ts). */
export type ErrorResponder = (error: AppError, headers?: HeadersInit) => Response;

export const appErrorResponse: ErrorResponder = (error, headers) => {
  const merged = new Headers(headers);
  // A limit's refusal carries its wait (lib/http/rate-limit.ts RateLimited).
  const wait = (error as { retryAfter?: unknown }).retryAfter;
  if (typeof wait === "number" && !merged.has("Retry-After")) merged.set("Retry-After", String(wait));
  return problemResponse(error.code, publicDetail(error), { errors: error.errors, headers: merged });
};
