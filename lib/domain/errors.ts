// Expected failures are values of one type whose codes are the contract's error codes.
// Doors map them: problem+json (status below), ActionResult, CLI exit code.

import { isPkiError } from "@/lib/pki/errors";
import { ERROR_STATUS, type ErrorCode } from "@/lib/wire/error-codes";

export { ERROR_STATUS, type ErrorCode } from "@/lib/wire/error-codes";


export const ERROR_TITLE: Record<ErrorCode, string> = {
  unauthenticated: "Authentication required",
  forbidden: "Not allowed",
  frontdoor_not_found: "Frontdoor not found",
  token_not_found: "Token not found",
  certificate_not_found: "Certificate not found",
  user_not_found: "User not found",
  api_key_not_found: "API key not found",
  token_expired: "Token expired",
  token_revoked: "Token revoked",
  token_already_used: "Token already used",
  token_not_active: "Token not active",
  token_pending_approval: "Token pending approval",
  token_rejected: "Token rejected",
  token_not_pending: "Token not pending approval",
  approval_not_allowed: "Approval not allowed",
  tcp_shares_disabled: "TCP shares disabled",
  conflict: "Conflict",
  validation_failed: "Validation failed",
  unsupported_request_type: "Unsupported request type",
  invalid_csr: "Invalid CSR",
  csr_signature_invalid: "CSR signature invalid",
  unsupported_key: "Unsupported key",
  name_not_allowed: "Name not allowed",
  payload_too_large: "Payload too large",
  certificate_revoked: "Certificate revoked",
  certificate_expired: "Certificate expired",
  certificate_already_renewed: "Certificate already renewed",
  renewal_too_early: "Renewal too early",
  renewal_key_mismatch: "Renewal key mismatch",
  renewal_disabled: "Renewal disabled",
  webhook_not_found: "Webhook not found",
  ca_not_found: "CA not found",
  ca_import_key_mismatch: "Not the pending key",
  ca_import_not_a_ca: "Not a CA certificate",
  ca_import_chain_invalid: "Chain does not verify",
  webhook_target_refused: "Webhook target refused",
  rate_limited: "Too many requests",
  internal: "Internal error",
  unavailable: "Service unavailable",
  ca_key_unavailable: "CA key unavailable",
};

/**
 * The detail of an error thrown without one, where the title alone would leave the reader
 * stuck. A Frontdoor is looked up by id in a dozen places; each of them says this.
 */
const DEFAULT_DETAIL: Partial<Record<ErrorCode, string>> = {
  frontdoor_not_found:
    "No Frontdoor with this id, or none you may see. Paths take the Frontdoor's id (a UUID), not its name: `certdoor frontdoor list` or the console's Frontdoors page shows the ids.",
};

export type FieldError = { path: string; message: string };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors?: FieldError[];

  constructor(code: ErrorCode, detail?: string, errors?: FieldError[]) {
    super(detail ?? DEFAULT_DETAIL[code] ?? ERROR_TITLE[code]);
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.errors = errors;
  }
}

/**
 * An expected failure whose detail is for the operator only (it names settings, internal
 * addresses or a provider's error text): doors log the detail and tell the caller, who may
 * be anyone, only `publicText` (lib/http/problem.ts publicDetail).
 */
export class OperatorOnlyError extends AppError {
  constructor(
    code: ErrorCode,
    detail: string,
    readonly publicText: string,
  ) {
    super(code, detail);
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/**
 * Runs a lib/pki step on what a client sent, with its refusals as the contract's errors:
 * the domain edge where a PkiError becomes the AppError of the same code.
 */
export function fromPki<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (isPkiError(error)) throw new AppError(error.code, error.message);
    throw error;
  }
}

/** The database cannot be reached right now (lib/db/unavailable.ts decides): try again shortly. */
export function databaseUnavailable(): AppError {
  return new AppError("unavailable", "The database is unavailable right now (it may be restarting); try again in a few seconds.");
}
