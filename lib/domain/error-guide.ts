// What each error code means to the person who meets it, and what they do next: the source
// of docs/errors.md (lib/docs/error-table.ts writes it; a test keeps the two and the OpenAPI
// Problem.code enum, all from ERROR_STATUS, in step). Keyed by string rather than ErrorCode so
// a code added to errors.ts fails that test by name instead of every build at once.

export type ErrorGuide = { when: string; action: string };

export const ERROR_GUIDE: Record<string, ErrorGuide> = {
  unauthenticated: {
    when: "No credential was sent, or the API key (`cdk_…`) is unknown, revoked or its owner disabled (a redemption without its token, a console session that ended).",
    action: "Send `Authorization: Bearer cdk_…` with a current API key (the console's Settings or `certdoor apikey create` make one); to redeem, send the `crt_…` token; in the console, sign in again.",
  },
  forbidden: {
    when: "The caller's role or Frontdoor memberships do not allow this (an auditor changing something, an operator outside their Frontdoors).",
    action: "Use an account or API key with the right role and membership, or ask an administrator to add you to the Frontdoor.",
  },
  frontdoor_not_found: {
    when: "No Frontdoor has this id, or the caller may not see it. REST paths take the Frontdoor's id (a UUID), not its name.",
    action: "List the ids with `certdoor frontdoor list` (or the console's Frontdoors page) and put the id in the path.",
  },
  token_not_found: {
    when: "No token with this secret or id on this Frontdoor: mistyped, replaced by a new link, or expired and purged after the retention.",
    action: "Check the link or token for typing mistakes; if it may have expired, ask whoever sent it for a new token.",
  },
  certificate_not_found: {
    when: "No such certificate on this Frontdoor (for renewal: the certificate was not issued by this Frontdoor's CA).",
    action: "Check the certificate id (`cert-…`) or the Frontdoor in the path; renew against the Frontdoor that issued the certificate.",
  },
  ca_not_found: {
    when: "No CA with this id on this Frontdoor (the `/ca/{caId}.crt` and `/crl/{caId}` addresses a rotated-in CA's certificates name).",
    action: "Fetch the Frontdoor's whole chain from `GET /frontdoor/{frontdoorId}/ca.pem` instead, or use the address the certificate itself names.",
  },
  ca_import_key_mismatch: {
    when: "`certdoor ca import` (or the Frontdoor page's upload) got a certificate that is not for the key of the Frontdoor's pending request: signed for another request, an older request a newer `ca csr` replaced, or no request is pending.",
    action: "Have your enterprise CA sign the request `certdoor ca csr` wrote last (the Frontdoor page offers it for download), then import that certificate.",
  },
  ca_import_not_a_ca: {
    when: "The imported certificate is not a CA certificate Certdoor can issue with: its basicConstraints do not say CA:TRUE, or its keyUsage lacks keyCertSign or cRLSign.",
    action: "Sign the request again as a subordinate CA (basicConstraints=critical,CA:true and keyUsage=critical,keyCertSign,cRLSign; ADCS: the Subordinate Certification Authority template).",
  },
  ca_import_chain_invalid: {
    when: "The imported certificate does not chain to a self-signed root through the chain given: an intermediate or the root is missing, a signature does not verify, a certificate is expired or not yet valid, or an issuer's pathlen forbids a CA below it.",
    action: "Give every certificate above the issuing CA, up to and with the enterprise root, in the chain file (any order); `detail` names the link that failed.",
  },
  user_not_found: { when: "No user with this id or email.", action: "Check the email; `user create` makes the user first." },
  api_key_not_found: { when: "No API key with this id.", action: "Check the id in the console's API keys list; the key may have been deleted already." },
  token_expired: {
    when: "The token is past its `expiresAt` and was never redeemed.",
    action: "Ask the administrator who sent it for a new token.",
  },
  token_revoked: {
    when: "An administrator revoked the token; it can no longer be redeemed.",
    action: "Ask the administrator for a new token.",
  },
  token_already_used: {
    when: "The token was redeemed before; each token gives exactly one certificate.",
    action: "Use the certificate it gave, or ask for a new token if you need another.",
  },
  token_not_active: {
    when: "A change was asked of a token that is no longer active (redeemed, expired or revoked).",
    action: "Create a new token instead; to withdraw a redeemed token's certificate, revoke the certificate.",
  },
  token_pending_approval: {
    when: "The token's Frontdoor requires approvals (`approvals.required`) and not enough people other than its creator have approved it yet.",
    action: "Wait until it is approved (its approvers were told; the Approvals page in the console lists it), then redeem the same token again.",
  },
  token_rejected: {
    when: "An approver rejected the token; a rejection is for good.",
    action: "Ask the administrator for a new token; the rejection's comment (on the token's page) says why.",
  },
  token_not_pending: {
    when: "An approval or rejection was sent for a token that is not waiting for approval (approved, rejected, redeemed, revoked or expired already).",
    action: "Read the token (`GET …/certificate-request-tokens/{tokenId}`) to see its status and its approvals.",
  },
  approval_not_allowed: {
    when: "The caller may not answer this token: its creator, someone who answered it already, an auditor, or the CLI (answers are given by people).",
    action: "Ask another administrator or member operator of the Frontdoor to answer it.",
  },
  tcp_shares_disabled: {
    when: "The Frontdoor has TCP shares disabled: no token can be created or redeemed on it.",
    action: "Ask its administrator to enable TCP shares (`certdoor frontdoor set ID --tcp-shares on`), then try again.",
  },
  conflict: { when: "A unique name or email is taken.", action: "Choose another name or email." },
  validation_failed: {
    when: "The body or query does not match the schema; `errors` lists each field's problem.",
    action: "Correct the fields named in `errors` and send again; `/docs` shows every field's rules.",
  },
  unsupported_request_type: { when: "The redemption `type` is not `CSR`.", action: "Send `{ \"type\": \"CSR\", \"value\": \"<PEM>\" }`." },
  invalid_csr: {
    when: "Not a parseable PKCS#10 CSR in PEM, a subject value over 64 characters or with control characters, or no CN at all.",
    action: "Make a new CSR (for example `openssl req -new …`) and send its PEM; give it a CN when the token has none.",
  },
  csr_signature_invalid: {
    when: "The CSR's signature does not verify against its own key (no proof of possession).",
    action: "Make a new CSR signed with the key it carries; do not edit a CSR after making it.",
  },
  unsupported_key: {
    when: "The key is not EC P-256, EC P-384 or RSA 2048–4096 with a usual public exponent, or not one of the key types the Frontdoor's profile lists (`detail` names them).",
    action: "Make the key again as EC P-256 (the default of `certdoor redeem`), EC P-384 or RSA 2048–4096, of a type the Frontdoor accepts.",
  },
  name_not_allowed: {
    when: "A common name or subject alternative name is outside the Frontdoor's name policy: at token creation (API, console, batch, a change), or at issuance for a name taken from the CSR. `detail` names the value and the rule (`deny …` or `not in allow list (…)`).",
    action: "Use a name the policy allows (the Frontdoor's page shows it), or ask an administrator to change the policy (`certdoor frontdoor set ID --name-policy FILE`).",
  },
  payload_too_large: { when: "The body is over the limit of its path: 64 KiB for the API's doors, 2 MiB for a token batch, 1 MiB for pages and console actions (refused by Content-Length before it is read).", action: "Send a smaller body: one CSR, or a batch of at most 1,000 tokens." },
  certificate_revoked: { when: "Renewal of a revoked certificate (for one renewed before: its line's newest certificate is revoked).", action: "Ask the administrator for a new token and redeem it." },
  certificate_expired: { when: "Renewal of a certificate that has already ended (for one renewed before: its line's newest certificate has).", action: "Ask the administrator for a new token and redeem it." },
  certificate_already_renewed: {
    when: "The certificate was renewed before and its successor is gone. (Asked again with the same key, renewal otherwise answers 200 with the newest certificate of its line.)",
    action: "Renew the newer certificate (its id is in the old one's `renewedById`) when its window opens.",
  },
  renewal_too_early: {
    when: "Before the renewal window (the certificate's last `renewalWindowDays` days); `detail` says when it opens.",
    action: "Try again once the window opens; `certdoor renew` exits 3 for this, so a daily timer can simply run it.",
  },
  renewal_key_mismatch: {
    when: "The renewal CSR's key is not the current certificate's key.",
    action: "Sign the renewal CSR with the certificate's own key (`certdoor renew --key key.pem`).",
  },
  renewal_disabled: {
    when: "The Frontdoor's `renewalWindowDays` is 0: renewal is off.",
    action: "Ask for a new token, or ask the administrator to turn renewal on (`certdoor frontdoor set ID --renewal-window-days 30`).",
  },
  webhook_not_found: { when: "No webhook endpoint with this id on this Frontdoor.", action: "List the endpoints with `GET /frontdoor/{frontdoorId}/webhooks` and use one of their ids." },
  webhook_target_refused: {
    when: "The webhook URL is not http(s), or points at an address that is not globally reachable (IANA's special-purpose registries: private, loopback, link-local, NAT64 local-use, Teredo, documentation and the rest).",
    action: "Use a public https:// URL, or run the server with `WEBHOOK_ALLOW_PRIVATE_NETWORKS=true` for a receiver on your own network.",
  },
  rate_limited: { when: "Too many attempts from this address (unknown tokens, sign-ins, renewals without a valid certificate, OCSP requests), or too many wrong codes for this user.", action: "Wait the seconds the `Retry-After` header gives, then try again." },
  internal: {
    when: "Something unexpected failed on the server; the body carries no internals.",
    action: "Try again; if it persists, give the administrator the response's `X-Request-Id` so they can find it in the server log.",
  },
  ca_key_unavailable: {
    when: "The key store cannot reach the private key of a current CA (the HSM token is missing, its PIN is wrong or locked, or the key was deleted): nothing can be signed.",
    action: "Try again later. Operators: the server log and `certdoor ca list` name the CA and the token; fix CA_KEY_STORE / CA_KEY_STORE_PIN or the token, then restart.",
  },
  unavailable: {
    when: "The server cannot reach its database right now (it may be restarting).",
    action: "Try again in a few seconds; if it lasts, tell the administrator the database is unreachable.",
  },
};
