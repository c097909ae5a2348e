import type { ErrorCode } from "@/lib/wire/error-codes";

// What a person redeeming a token should read for each failure: the same words in the
// CLI and on the redemption page. Plain language, and what to do next. token_not_found has
// none: the server's detail tells a typing mistake, a replaced link and a purged token apart.

export const REDEMPTION_MESSAGES: Partial<Record<ErrorCode, string>> = {
  token_expired: "This token has expired. Ask the administrator who sent it for a new one.",
  token_already_used: "This token was used already; each token gives exactly one certificate. Ask for a new token if you need another.",
  token_revoked: "This token was withdrawn by an administrator. Ask them for a new one.",
  token_rejected: "This token was rejected by an approver. Ask the administrator for a new one.",
  tcp_shares_disabled: "The Frontdoor does not accept certificate requests right now: its administrator must enable TCP shares.",
  frontdoor_not_found: "This Frontdoor does not exist. Check the link or the Frontdoor id.",
  rate_limited: "Too many attempts from your address. Wait a minute, then try again.",
  invalid_csr: "The certificate request could not be read. Make a new one (PEM, PKCS#10) and try again.",
  csr_signature_invalid: "The certificate request's signature does not match its key. Make a new request with the same key.",
  unsupported_key: "This key type is not accepted. Use EC P-256, EC P-384 or RSA with 2048 to 4096 bits.",
  unsupported_request_type: "Only certificate signing requests (type CSR) can be redeemed.",
  payload_too_large: "The request is too large (the limit is 64 KiB).",
  unauthenticated: "No token was sent.",
  unavailable: "The server's database is restarting. Try again in a few seconds with the same token.",
};

export function redemptionMessage(code: string, fallback?: string): string {
  return REDEMPTION_MESSAGES[code as ErrorCode] ?? fallback ?? "Something went wrong on the server. Try again later.";
}
