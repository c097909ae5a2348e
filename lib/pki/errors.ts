// What lib/pki refuses in what a client sent. lib/pki knows nothing of the domain: the
// domain maps each refusal to the contract's error code of the same name at its edge
// (lib/domain/errors.ts, fromPki), where the pipeline and renewal call into lib/pki.

export type PkiErrorCode = "invalid_csr" | "csr_signature_invalid" | "unsupported_key" | "ca_import_key_mismatch" | "ca_import_not_a_ca" | "ca_import_chain_invalid";

export class PkiError extends Error {
  constructor(
    readonly code: PkiErrorCode,
    detail: string,
  ) {
    super(detail);
    this.name = "PkiError";
  }
}

export const isPkiError = (value: unknown): value is PkiError => value instanceof PkiError;
