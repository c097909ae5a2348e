import { createHash } from "node:crypto";
import type * as Pkcs11Js from "pkcs11js";
import { ecdsaRawToDer, p256SpkiOfPoint, type Signer, unwrapEcPoint } from "@/lib/pki/signer";
import { caIdBytes, keyReference, type Pkcs11Config, parsePkcs11Uri } from "./pkcs11-uri";
import { ckr, pkcs11js, TokenSessions } from "./pkcs11-token";
import { CaKeyUnavailableError, type KeyStore } from "./types";

// CA keys in a PKCS#11 token (an HSM; SoftHSM2 in tests). Each key pair is generated inside
// the token as a token object that is sensitive and not extractable, labelled with the CA's
// id (CKA_LABEL) and identified by its 16 bytes (CKA_ID); the database keeps only the
// reference (./pkcs11-uri.ts keyReference). Signing hashes here (SHA-256) and asks the token
// for plain CKM_ECDSA over the digest, which every HSM offers; the token answers raw r‖s,
// which X.509 wants as DER.

type Handle = Pkcs11Js.Handle;
/** DER OID of prime256v1 (P-256), as CKA_EC_PARAMS holds it. */
const P256_PARAMS = Buffer.from("06082a8648ce3d030107", "hex");

export function pkcs11KeyStore(config: Pkcs11Config): KeyStore & { sessions: TokenSessions; verify(): Promise<void> } {
  const sessions = new TokenSessions(config);
  const p = pkcs11js();
  // Object handles are valid in every session of this process until the pool is dropped.
  const handles = new Map<string, Handle>();
  sessions.onDrop.push(() => handles.clear());

  /** The CA's private-key object: found by its CKA_ID and label in the configured token. */
  function findKey(session: Handle, reference: string, caId: string): Handle {
    const { path } = parsePkcs11Uri(reference, `The key reference of CA ${caId}`);
    const token = path.get("token");
    if (token !== undefined && config.token.label !== undefined && token !== config.token.label) {
      throw new CaKeyUnavailableError(`CA ${caId}'s key is in PKCS#11 token ${token}, but CA_KEY_STORE names token ${config.token.label}: point CA_KEY_STORE at token ${token}.`);
    }
    const template: Pkcs11Js.Template = [
      { type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY },
      { type: p.CKA_ID, value: Buffer.from(path.get("id") ?? caIdBytes(caId).toString("hex"), "hex") },
    ];
    const object = path.get("object");
    if (object !== undefined) template.push({ type: p.CKA_LABEL, value: object });
    sessions.module.C_FindObjectsInit(session, template);
    try {
      // Two objects under one label and id (a key restored over a live one, another installation's
      // key in the same token) would leave which one signs to the token's order: refused.
      const [found, second] = sessions.module.C_FindObjects(session, 2);
      if (!found) throw new CaKeyUnavailableError(`CA ${caId}'s private key (${reference}) is not in PKCS#11 token ${sessions.describe()}: restore it from the HSM's backup, or point CA_KEY_STORE at the token that holds it.`);
      if (second) throw new CaKeyUnavailableError(`CA ${caId}'s private key (${reference}) is more than one object in PKCS#11 token ${sessions.describe()}: find the one whose public key is in the CA's certificate and delete the others (pkcs11-tool -O lists them).`);
      return found;
    } finally {
      sessions.module.C_FindObjectsFinal(session);
    }
  }

  async function keyHandle(reference: string, caId: string): Promise<Handle> {
    const known = handles.get(reference);
    if (known) return known;
    const handle = await sessions.withSession((session) => findKey(session, reference, caId));
    handles.set(reference, handle);
    return handle;
  }

  async function signDigest(reference: string, caId: string, digest: Buffer): Promise<Buffer> {
    for (let attempt = 0; ; attempt++) {
      const key = await keyHandle(reference, caId);
      try {
        return await sessions.withSession(async (session) => {
          sessions.module.C_SignInit(session, { mechanism: p.CKM_ECDSA }, key);
          return sessions.module.C_SignAsync(session, digest, Buffer.alloc(132));
        });
      } catch (error) {
        // A handle from before the token was reset (or a key replaced) is found again, once.
        handles.delete(reference);
        const code = ckr(error);
        if (attempt === 0 && (error instanceof CaKeyUnavailableError || code === "CKR_KEY_HANDLE_INVALID" || code === "CKR_OBJECT_HANDLE_INVALID")) continue;
        if (error instanceof CaKeyUnavailableError) throw error;
        throw new CaKeyUnavailableError(`PKCS#11 token ${sessions.describe()} did not sign with CA ${caId}'s key (${code ?? String(error)}).`);
      }
    }
  }

  return {
    kind: "pkcs11",
    sessions,
    /** Configuration, token and login, checked once (the start and the `ca` commands). */
    verify: () => sessions.withSession(() => undefined),
    async generate(caId) {
      const id = caIdBytes(caId);
      const label = caId;
      const common = [
        { type: p.CKA_TOKEN, value: true },
        { type: p.CKA_LABEL, value: label },
        { type: p.CKA_ID, value: id },
      ];
      // Not run again when the session dies (withSession's retry off): the pair may be made
      // already, and a second one under the same label and id would make the CA's key ambiguous.
      const point = await sessions.withSession((session) => {
        // Sign and nothing else, fixed for the key's life: a key left with a module's defaults
        // (SoftHSM2: decrypt, unwrap; derive settable) could be turned into an ECDH oracle.
        const privateTemplate = [
          ...common,
          ...[p.CKA_PRIVATE, p.CKA_SENSITIVE, p.CKA_SIGN].map((type) => ({ type, value: true })),
          ...[p.CKA_EXTRACTABLE, p.CKA_SIGN_RECOVER, p.CKA_DECRYPT, p.CKA_UNWRAP, p.CKA_DERIVE, p.CKA_MODIFIABLE].map((type) => ({ type, value: false })),
        ];
        const generate = (extra: Pkcs11Js.Template) =>
          sessions.module.C_GenerateKeyPair(
            session,
            { mechanism: p.CKM_EC_KEY_PAIR_GEN },
            [...common, { type: p.CKA_EC_PARAMS, value: P256_PARAMS }, { type: p.CKA_VERIFY, value: true }, { type: p.CKA_PRIVATE, value: false }],
            [...privateTemplate, ...extra],
          );
        let pair: Pkcs11Js.KeyPair;
        try {
          pair = generate([{ type: p.CKA_COPYABLE, value: false }]);
        } catch (error) {
          // CKA_COPYABLE is PKCS#11 2.40: older modules refuse the attribute, not the key.
          if (ckr(error) !== "CKR_ATTRIBUTE_TYPE_INVALID") throw error;
          pair = generate([]);
        }
        const [attribute] = sessions.module.C_GetAttributeValue(session, pair.publicKey, [{ type: p.CKA_EC_POINT }]);
        return unwrapEcPoint(attribute!.value as Buffer);
      }, false);
      const reference = keyReference(sessions.tokenLabel, caId);
      return { spkiDer: p256SpkiOfPoint(point), ref: { store: "pkcs11", reference }, signer: signerFor(reference, caId) };
    },
    load: async (reference, caId) => {
      await keyHandle(reference, caId);
      return signerFor(reference, caId);
    },
    async check(reference, caId) {
      handles.delete(reference);
      await keyHandle(reference, caId);
    },
  };

  function signerFor(reference: string, caId: string): Signer {
    return { sign: async (tbs) => ecdsaRawToDer(await signDigest(reference, caId, createHash("sha256").update(tbs).digest())) };
  }
}
