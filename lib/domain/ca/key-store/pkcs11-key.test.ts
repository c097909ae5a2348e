import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { countCalls, listTokenObjects, makeSoftHsm } from "@/lib/testing/softhsm";
import { pkcs11KeyStore } from "./pkcs11";
import { keyReference, pkcs11Config } from "./pkcs11-uri";
import { pkcs11js } from "./pkcs11-token";

// What a CA key in the token may do (sign, nothing else, and that cannot be changed), and how
// the store treats a token that holds more than it should or refuses the PIN.

const hsm = makeSoftHsm();
const token = hsm.addToken("keys");
const locked = hsm.addToken("pins"); // never logged in with its right PIN before the wrong-PIN case
const p = pkcs11js();
const P256 = Buffer.from("06082a8648ce3d030107", "hex");

/** The private-key objects labelled `caId` (there should be one). */
function privateKeys(store: ReturnType<typeof pkcs11KeyStore>, session: Buffer, caId: string) {
  const { module } = store.sessions;
  module.C_FindObjectsInit(session, [{ type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY }, { type: p.CKA_LABEL, value: caId }]);
  const found = module.C_FindObjects(session, 10);
  module.C_FindObjectsFinal(session);
  return found;
}

describe("a CA key made in the token", () => {
  it("may only sign: pkcs11-tool lists `Usage: sign`, and turning derive on is refused", async () => {
    const store = pkcs11KeyStore(pkcs11Config(token.uri, token.pin));
    const caId = randomUUID();
    await store.generate(caId);
    const block = listTokenObjects(hsm, token).split(/\n(?=\S)/).find((b) => b.startsWith("Private Key Object") && b.includes(`label:      ${caId}`));
    expect(block).toMatch(/^  Usage:\s+sign$/m);
    expect(block).toMatch(/Access:\s+sensitive, always sensitive, never extractable, local/);
    const refusal = await store.sessions.withSession((session) => {
      const { module } = store.sessions;
      module.C_FindObjectsInit(session, [{ type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY }, { type: p.CKA_LABEL, value: caId }]);
      const key = module.C_FindObjects(session)!;
      module.C_FindObjectsFinal(session);
      const attempt = (template: { type: number; value: boolean }[]) => {
        try {
          module.C_SetAttributeValue(session, key, template);
          return "changed";
        } catch (error) {
          return (error as Error).message;
        }
      };
      return { derive: attempt([{ type: p.CKA_DERIVE, value: true }]), decrypt: attempt([{ type: p.CKA_DECRYPT, value: true }]) };
    });
    expect(refusal.derive).toMatch(/^CKR_/);
    expect(refusal.decrypt).toMatch(/^CKR_/);
  });

  it("is still made by a module from before PKCS#11 2.40, which refuses CKA_COPYABLE", async () => {
    const store = pkcs11KeyStore(pkcs11Config(`${token.uri}&x-case=old-module`, token.pin));
    const module = store.sessions.module as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = module.C_GenerateKeyPair!;
    const refused: boolean[] = [];
    module.C_GenerateKeyPair = function (this: unknown, ...args: unknown[]) {
      const knowsCopyable = !(args[3] as { type: number }[]).some((a) => a.type === p.CKA_COPYABLE);
      refused.push(!knowsCopyable);
      if (!knowsCopyable) throw new Error("CKR_ATTRIBUTE_TYPE_INVALID");
      return original.apply(this, args);
    };
    try {
      const made = await store.generate(randomUUID());
      expect(made.spkiDer.length).toBeGreaterThan(0);
    } finally {
      module.C_GenerateKeyPair = original;
    }
    expect(refused).toEqual([true, false]);
  });
});

describe("a wrong PIN", () => {
  it("is tried once per configuration: 25 checks and 5 signatures make one C_Login, then a new PIN is tried", async () => {
    const right = pkcs11KeyStore(pkcs11Config(`${locked.uri}&x-case=right`, locked.pin));
    const caId = randomUUID();
    const made = await right.generate(caId);
    right.sessions.drop(); // the session that logged in is closed: the token forgets the login
    const logins = countCalls(right.sessions.module, "C_Login", "tried"); // a refused login throws: counted all the same
    try {
      const wrong = pkcs11KeyStore(pkcs11Config(locked.uri, "0000"));
      const reference = keyReference(locked.label, caId);
      const errors = new Set<string>();
      for (let i = 0; i < 25; i++) await wrong.check(reference, caId).catch((e: Error) => errors.add(e.message));
      const signer = made.signer; // signs through `right`: its PIN was never refused
      for (let i = 0; i < 5; i++) await (await wrong.load(reference, caId).catch(() => null))?.sign(Buffer.from("x"));
      expect(logins.count).toBe(1);
      expect([...errors]).toEqual([expect.stringMatching(/^Cannot log in to the PKCS#11 token pins \(CKR_PIN_INCORRECT\): the PIN is wrong/)]);
      await signer.sign(Buffer.from("the right PIN still works"));
      expect(logins.count).toBe(2);
    } finally {
      logins.restore();
    }
  });
});

describe("finding a CA's key", () => {
  it("refuses a token holding two objects with the CA's label and id (a retried generation, a restored backup): neither check nor load picks one", async () => {
    const store = pkcs11KeyStore(pkcs11Config(token.uri, token.pin));
    const caId = randomUUID();
    await store.generate(caId);
    await store.sessions.withSession((session) => {
      const common = [{ type: p.CKA_TOKEN, value: true }, { type: p.CKA_LABEL, value: caId }, { type: p.CKA_ID, value: Buffer.from(caId.replace(/-/g, ""), "hex") }];
      store.sessions.module.C_GenerateKeyPair(session, { mechanism: p.CKM_EC_KEY_PAIR_GEN }, [...common, { type: p.CKA_EC_PARAMS, value: P256 }], [...common, { type: p.CKA_PRIVATE, value: true }, { type: p.CKA_SIGN, value: true }]);
    });
    const fresh = pkcs11KeyStore(pkcs11Config(`${token.uri}&x-case=fresh`, token.pin)); // no handle cached, as after a restart
    const reference = keyReference(token.label, caId);
    const duplicate = new RegExp(`^CA ${caId}'s private key \\(.*\\) is more than one object in PKCS#11 token keys`);
    await expect(fresh.check(reference, caId)).rejects.toMatchObject({ code: "ca_key_unavailable", message: expect.stringMatching(duplicate) });
    await expect(fresh.load(reference, caId)).rejects.toThrow(duplicate);
  });

  it("forgets the object handles it found when the pool is dropped: a key deleted meanwhile is not loaded from the cache", async () => {
    const store = pkcs11KeyStore(pkcs11Config(`${token.uri}&x-case=cache`, token.pin));
    const caId = randomUUID();
    await store.generate(caId);
    const reference = keyReference(token.label, caId);
    await store.load(reference, caId); // cached
    await store.sessions.withSession((session) => {
      for (const handle of privateKeys(store, session, caId)) store.sessions.module.C_DestroyObject(session, handle);
    });
    store.sessions.drop(); // the token was reset (its objects may have other handles now)
    await expect(store.load(reference, caId)).rejects.toThrow(/is not in PKCS#11 token keys/);
  });

  it("does not generate again when the session dies after the key pair was made (no second key under the CA's label)", async () => {
    const store = pkcs11KeyStore(pkcs11Config(`${token.uri}&x-case=generate`, token.pin));
    const module = store.sessions.module as unknown as Record<string, (...args: unknown[]) => unknown>;
    const read = module.C_GetAttributeValue!;
    module.C_GetAttributeValue = () => {
      throw new Error("CKR_SESSION_HANDLE_INVALID"); // as when the token is reset right after C_GenerateKeyPair
    };
    const caId = randomUUID();
    try {
      await expect(store.generate(caId)).rejects.toMatchObject({ code: "ca_key_unavailable" });
    } finally {
      module.C_GetAttributeValue = read;
    }
    expect(await store.sessions.withSession((session) => privateKeys(store, session, caId).length)).toBe(1);
  });
});
