// The contract's error codes and their HTTP statuses: what the server answers and what the
// browser and the CLI read back. Neutral ground: lib/domain/errors.ts builds AppError on it,
// and the redemption page's client (lib/pki/browser) reads it without importing the domain.

export const ERROR_STATUS = {
  unauthenticated: 401,
  forbidden: 403,
  frontdoor_not_found: 404,
  token_not_found: 404,
  certificate_not_found: 404,
  user_not_found: 404,
  api_key_not_found: 404,
  token_expired: 410,
  token_revoked: 410,
  token_already_used: 409,
  token_not_active: 409,
  tcp_shares_disabled: 409,
  conflict: 409,
  validation_failed: 400,
  unsupported_request_type: 400,
  invalid_csr: 400,
  csr_signature_invalid: 400,
  unsupported_key: 400,
  payload_too_large: 413,
  certificate_revoked: 410,
  certificate_expired: 410,
  certificate_already_renewed: 409,
  renewal_too_early: 409,
  renewal_key_mismatch: 400,
  renewal_disabled: 403,
  webhook_not_found: 404,
  ca_not_found: 404,
  webhook_target_refused: 400,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
