import { env } from "@/lib/env";
import type { Signer } from "@/lib/pki/signer";
import { databaseKeyStore } from "./database";
import { pkcs11KeyStore } from "./pkcs11";
import { pkcs11Config } from "./pkcs11-uri";
import { type CaKeyRef, CaKeyUnavailableError, type GeneratedCaKey, type KeyStore, KeyStoreConfigError, type KeyStoreKind } from "./types";

// The key stores, by the name CertificateAuthority.keyStore gives them, and the one
// CA_KEY_STORE chooses for CAs made from now on. A CA made before keeps the store it was
// made in. Nothing here falls back: a PKCS#11 configuration that does not work is an error,
// never a quiet return to database keys.

export { CaKeyUnavailableError, KeyStoreConfigError, type CaKeyRef, type KeyStoreKind } from "./types";

type Pkcs11Store = ReturnType<typeof pkcs11KeyStore>;
// One per configuration (tests change it between cases); the module under it is one per process.
const pkcs11Stores = new Map<string, Pkcs11Store>();

/** The PKCS#11 store CA_KEY_STORE configures, or null when it says `database`; KeyStoreConfigError when it says something else or its module or token cannot be found. */
function configuredPkcs11(): Pkcs11Store | null {
  const setting = env.CA_KEY_STORE ?? "database";
  if (setting === "database") return null;
  if (!setting.toLowerCase().startsWith("pkcs11:")) throw new KeyStoreConfigError(`CA_KEY_STORE must be "database" or a PKCS#11 URI such as pkcs11:token=certdoor?module-path=/usr/lib/softhsm/libsofthsm2.so, not "${setting}".`);
  const cacheKey = `${setting}\0${env.CA_KEY_STORE_PIN ?? ""}`;
  let store = pkcs11Stores.get(cacheKey);
  if (!store) {
    store = pkcs11KeyStore(pkcs11Config(setting, env.CA_KEY_STORE_PIN));
    pkcs11Stores.set(cacheKey, store);
  }
  return store;
}

/** The store new CAs' keys are made in (CA_KEY_STORE). */
export function configuredKeyStore(): KeyStore {
  return configuredPkcs11() ?? databaseKeyStore;
}

/** The store holding keys of a kind: CAs keep the store they were made in, whatever CA_KEY_STORE says now. */
export function keyStoreFor(kind: KeyStoreKind, caId: string): KeyStore {
  if (kind === "database") return databaseKeyStore;
  const pkcs11 = configuredPkcs11();
  if (!pkcs11) throw new CaKeyUnavailableError(`CA ${caId}'s key is in a PKCS#11 token, but CA_KEY_STORE is "database": set CA_KEY_STORE to that token's URI (and CA_KEY_STORE_PIN).`);
  return pkcs11;
}

/**
 * A new ECDSA P-256 key for the CA `caId` in the configured store: its public key
 * (spkiDer), a signer, and the reference to store. The seam for everything that makes a
 * CA (roots, issuing CAs, rotations, an enterprise root's pending issuing CA).
 */
export function generateCaKey(caId: string): Promise<GeneratedCaKey> {
  return configuredKeyStore().generate(caId);
}

/** A signer for a CA's stored key, through the store it was made in. */
export function caKeySigner(ref: CaKeyRef, caId: string): Promise<Signer> {
  return keyStoreFor(ref.store, caId).load(ref.reference, caId);
}

/** Resolves when the CA's key can be used now; CaKeyUnavailableError (one line) when not. */
export function checkCaKey(ref: CaKeyRef, caId: string): Promise<void> {
  return keyStoreFor(ref.store, caId).check(ref.reference, caId);
}

/** At start and before a `ca` command: CA_KEY_STORE parses, its module loads, its token is present and the PIN opens it. */
export async function verifyKeyStore(): Promise<KeyStoreKind> {
  const pkcs11 = configuredPkcs11();
  if (!pkcs11) return "database";
  await pkcs11.verify();
  return "pkcs11";
}

/** The key-store columns of a CertificateAuthority row. */
export type CaKeyColumns = { keyStore: string; encryptedPrivateKey: string | null; keyReference: string | null };

/** Where a row's key is: the sealed key for `database`, the reference otherwise. */
export function caKeyRefOf(row: CaKeyColumns): CaKeyRef {
  const store = row.keyStore as KeyStoreKind;
  const reference = store === "database" ? row.encryptedPrivateKey : row.keyReference;
  if (!reference) throw new Error(`A CA row with key store ${row.keyStore} has no key reference.`);
  return { store, reference };
}

/** The columns that store a key reference (the table's CHECK holds them to exactly one). */
export function caKeyColumns(ref: CaKeyRef): CaKeyColumns {
  return ref.store === "database" ? { keyStore: "database", encryptedPrivateKey: ref.reference, keyReference: null } : { keyStore: ref.store, encryptedPrivateKey: null, keyReference: ref.reference };
}
