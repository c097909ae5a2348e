import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type * as Pkcs11Js from "pkcs11js";
import { tempDir } from "@/lib/testing/openssl";

// A throwaway SoftHSM2 token for tests: a temporary token directory, SOFTHSM2_CONF pointing
// at a configuration that uses it, and a token initialized with softhsm2-util. SoftHSM reads
// SOFTHSM2_CONF when the module initializes (once per process), so a test file makes its
// tokens before the first PKCS#11 call, all in one directory.

export const SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so";
export const SO_PIN = "5678";

export type SoftHsm = { dir: string; conf: string; env: { SOFTHSM2_CONF: string }; addToken(label: string, pin?: string): { label: string; pin: string; uri: string } };

/** A SoftHSM2 configuration in a new temporary directory, set in this process's SOFTHSM2_CONF. */
export function makeSoftHsm(): SoftHsm {
  const dir = tempDir("certdoor-softhsm-");
  const tokens = path.join(dir, "tokens");
  mkdirSync(tokens);
  const conf = path.join(dir, "softhsm2.conf");
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  process.env.SOFTHSM2_CONF = conf;
  return {
    dir,
    conf,
    env: { SOFTHSM2_CONF: conf },
    addToken(label, pin = "1234") {
      execFileSync("softhsm2-util", ["--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", SO_PIN], { env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: "pipe" });
      return { label, pin, uri: `pkcs11:token=${label}?module-path=${SOFTHSM_MODULE}` };
    },
  };
}

/** pkcs11-tool's listing of the token's objects (-O), logged in, as text. */
export function listTokenObjects(hsm: SoftHsm, token: { label: string; pin: string }): string {
  return execFileSync("pkcs11-tool", ["--module", SOFTHSM_MODULE, "--token-label", token.label, "--login", "--pin", token.pin, "-O"], { env: { ...process.env, ...hsm.env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** The SoftHSM module the key store loaded in this process. */
export const loadedModule = () => (globalThis as Record<symbol, Map<string, Pkcs11Js.PKCS11>>)[Symbol.for("certdoor.pkcs11.modules")]!.get(SOFTHSM_MODULE)!;

/** Closes every session this process has with SoftHSM's tokens, as pulling the token out (or resetting it) would: the login goes with them. */
export function closeTokenSessions(): void {
  const module = loadedModule();
  for (const slot of module.C_GetSlotList(true)) module.C_CloseAllSessions(slot);
}

/** Deletes a CA's key objects (those labelled with its id) from a token, as an operator's mistake would; the process must be logged in to it. */
export function destroyTokenObjects(tokenLabel: string, caId: string): void {
  const module = loadedModule();
  const slot = module.C_GetSlotList(true).find((s) => module.C_GetTokenInfo(s).label.trim() === tokenLabel)!;
  const session = module.C_OpenSession(slot, 0x2 | 0x4); // CKF_RW_SESSION | CKF_SERIAL_SESSION
  module.C_FindObjectsInit(session, [{ type: 0x3, value: caId }]); // CKA_LABEL
  const found = module.C_FindObjects(session, 10);
  module.C_FindObjectsFinal(session);
  for (const handle of found) module.C_DestroyObject(session, handle);
  module.C_CloseSession(session);
}

/**
 * Counts the calls of one PKCS#11 function of a module (every store in the process shares it)
 * until `restore`: those that returned, or with "tried" also those that threw (a refused login).
 */
export function countCalls(module: Pkcs11Js.PKCS11, name: "C_Login" | "C_OpenSession" | "C_CloseSession" | "C_CloseAllSessions" | "C_FindObjectsInit", counting: "returned" | "tried" = "returned") {
  const functions = module as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = functions[name]!;
  const counter = { count: 0, restore: () => void (functions[name] = original) };
  functions[name] = function (this: unknown, ...args: unknown[]) {
    if (counting === "tried") counter.count++;
    const result = original.apply(this, args);
    if (counting === "returned") counter.count++;
    return result;
  };
  return counter;
}
