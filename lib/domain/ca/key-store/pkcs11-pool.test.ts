import { createPublicKey, randomBytes, randomUUID, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { countCalls, loadedModule, makeSoftHsm } from "@/lib/testing/softhsm";
import { pkcs11KeyStore } from "./pkcs11";
import { pkcs11Config } from "./pkcs11-uri";

// The session pool under a token reset (every session of the process closed under it, as a
// re-inserted token or a restarted HSM does): signatures in flight and waiting in line all
// settle, and the pool ends with at most its four sessions, none leaked.

const hsm = makeSoftHsm();
const token = hsm.addToken("pool");

/** Counts sessions opened and closed through the module (shared by every store in the process), and C_CloseAllSessions. */
const countSessions = () => {
  const [opened, closed, closeAll] = (["C_OpenSession", "C_CloseSession", "C_CloseAllSessions"] as const).map((name) => countCalls(loadedModule(), name));
  return { opened: opened!, closed: closed!, closeAll: closeAll!, restore: () => [opened, closed, closeAll].forEach((c) => c!.restore()) };
};

/** Resolves to "settled" or to "still pending" after `ms`. */
const within = (ms: number, work: Promise<unknown>) => Promise.race([work.then(() => "settled"), new Promise<string>((resolve) => setTimeout(() => resolve("still pending"), ms))]);

describe("the PKCS#11 session pool", () => {
  it("survives a token reset with 64 signatures queued: all settle and verify, and the pool ends with at most 4 sessions", async () => {
    const store = pkcs11KeyStore(pkcs11Config(`${token.uri}&x-case=reset`, token.pin));
    const ca = await store.generate(randomUUID());
    const key = createPublicKey({ key: Buffer.from(ca.spkiDer), format: "der", type: "spki" });
    await Promise.all(Array.from({ length: 8 }, () => ca.signer.sign(randomBytes(8)))); // warm: 4 pooled sessions
    const module = store.sessions.module;
    for (const slot of module.C_GetSlotList(true)) module.C_CloseAllSessions(slot); // the token is reset
    const counts = countSessions();
    const messages = Array.from({ length: 64 }, () => randomBytes(16));
    const burst = Promise.all(messages.map((m) => ca.signer.sign(m)));
    expect(await within(10_000, burst)).toBe("settled");
    const signatures = await burst;
    expect(signatures.every((sig, i) => verify("sha256", messages[i]!, { key, dsaEncoding: "der" }, sig))).toBe(true);
    expect(await within(5_000, ca.signer.sign(randomBytes(8)))).toBe("settled");
    // The pool holds what it opened since the reset: never more than 4 live sessions.
    expect(counts.opened.count - counts.closed.count).toBeLessThanOrEqual(4);
    expect(counts.closeAll.count).toBe(0);
    counts.restore();
  }, 30_000);

  it("a session dying under one caller does not close the sessions other callers are signing on (no C_CloseAllSessions, no storm)", async () => {
    const store = pkcs11KeyStore(pkcs11Config(`${token.uri}&x-case=drop`, token.pin));
    const ca = await store.generate(randomUUID());
    const counts = countSessions();
    const failures: string[] = [];
    for (let round = 0; round < 30; round++) {
      const pending = Array.from({ length: 64 }, () => ca.signer.sign(randomBytes(16)).catch((e: Error) => failures.push(e.message)));
      setImmediate(() => store.sessions.drop()); // as withSession does when a session turns out dead
      await Promise.all(pending);
    }
    expect(failures).toEqual([]);
    expect(counts.closeAll.count).toBe(0);
    expect(counts.opened.count - counts.closed.count).toBeLessThanOrEqual(4);
    counts.restore();
  }, 60_000);
});
