import { generateKeyPairSync, sign } from "node:crypto";
import { open, seal } from "@/lib/domain/keys";
import type { RequestSigner } from "@/lib/pki/ca-request";

// The key of an issuing CA while an enterprise root signs it. Made here and nowhere else,
// so that moving CA keys into a key store (issue 22.1) changes this file only: today it is
// an ECDSA P-256 key sealed under CERTDOOR_MASTER_KEY exactly as lib/domain/ca/store.ts seals
// every CA key, bound to the pending CA's id, which the imported CA keeps.

export type PendingKey = {
  /** What the database keeps of the private key (sealed, bound to the pending CA's id). */
  keyRef: string;
  /** SubjectPublicKeyInfo, DER. */
  publicKeySpki: Buffer;
  /** Signs the request (proof of possession); the key is not kept past the call that made it. */
  sign: RequestSigner;
};

/** A new key for the pending issuing CA `id`. */
export function makePendingKey(id: string): PendingKey {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    keyRef: seal(privateKey.export({ type: "pkcs8", format: "der" }), id),
    publicKeySpki: publicKey.export({ type: "spki", format: "der" }),
    sign: (data) => sign("sha256", data, privateKey),
  };
}

/** The pending key's PKCS#8, for storing it as the imported CA's key (under the same id). */
export function openPendingKey(id: string, keyRef: string): Uint8Array {
  return open(keyRef, id);
}
