import { open, seal } from "@/lib/domain/keys";
import { pkcs8Signer, softwareKeyPair } from "@/lib/pki/signer";
import type { KeyStore } from "./types";

// The default store: the key is made in this process and kept in the database as PKCS#8
// sealed under CERTDOOR_MASTER_KEY, bound to the CA's id (lib/domain/keys.ts). Its
// "reference" is the sealed value itself (CertificateAuthority.encryptedPrivateKey).
// Whoever holds the database and the master key holds the CA: the pkcs11 store exists for that.

export const databaseKeyStore: KeyStore = {
  kind: "database",
  async generate(caId) {
    const { pkcs8Der, ...pair } = softwareKeyPair();
    return { ...pair, ref: { store: "database", reference: seal(pkcs8Der, caId) } };
  },
  // A wrong master key is MasterKeyError, which stops the start (not a reachability problem).
  load: async (reference, caId) => pkcs8Signer(open(reference, caId)),
  check: async (reference, caId) => void open(reference, caId),
};
