import { AppError } from "@/lib/domain/errors";
import type { CaKeyPair, Signer } from "@/lib/pki/signer";

// The interface every place a CA key can live implements (step-ca's kms/apiv1 is the
// model): make a key pair for a CA, sign with a stored one, say whether it can be reached.
// One file per backend beside this one, one line per backend in ./index.ts: AWS KMS, Google
// Cloud KMS and Azure Key Vault would each be a file here (planned, not shipped: none can be
// tested on this machine). Every key is ECDSA P-256; a Signer takes the bytes to be signed.

/** Where a CA's key lives, as CertificateAuthority.keyStore says. */
export type KeyStoreKind = "database" | "pkcs11";

/**
 * How the database finds a CA's key again: the store, and the store's own reference (for
 * `database` the sealed PKCS#8, in encryptedPrivateKey; for the others a locator such as
 * an RFC 7512 URI, in keyReference: never key material).
 */
export type CaKeyRef = { store: KeyStoreKind; reference: string };

export type GeneratedCaKey = CaKeyPair & { ref: CaKeyRef };

export type KeyStore = {
  kind: KeyStoreKind;
  /** Makes a new ECDSA P-256 key pair for the CA `caId` (its label/id in the store); the private key never leaves a hardware or cloud store. */
  generate(caId: string): Promise<GeneratedCaKey>;
  /** A Signer for a stored key; CaKeyUnavailableError when the store cannot reach it. */
  load(reference: string, caId: string): Promise<Signer>;
  /** Resolves when the key can be used now (token present, logged in, object found); CaKeyUnavailableError otherwise. */
  check(reference: string, caId: string): Promise<void>;
};

/**
 * A key that cannot be reached now (token gone, wrong PIN, key deleted): readiness 503 and
 * every door 503 `ca_key_unavailable`. The message is one line naming what and how to fix
 * it; it names the token and the PKCS#11 error, never a PIN.
 */
export class CaKeyUnavailableError extends AppError {
  constructor(message: string) {
    super("ca_key_unavailable", message);
    this.name = "CaKeyUnavailableError";
  }
}

/** CA_KEY_STORE (or what it points to) is wrong: the start and the `ca` commands stop with this one line. */
export class KeyStoreConfigError extends Error {
  override name = "KeyStoreConfigError";
}
