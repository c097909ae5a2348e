import { createRequire } from "node:module";
import type * as Pkcs11Js from "pkcs11js";
import type { Pkcs11Config } from "./pkcs11-uri";
import { CaKeyUnavailableError, KeyStoreConfigError } from "./types";

// One PKCS#11 module per process and a small pool of logged-in sessions to the configured
// token. A session runs one operation at a time (C_SignInit then C_Sign belong together),
// and C_Sign runs on libuv's thread pool, so concurrent signatures each take a session of
// their own; more callers than sessions wait in line. PKCS#11 login belongs to the
// application, not the session: the pool logs in once and keeps a session open so the
// login lasts. An error that means the token or the sessions are gone (removed, reset,
// logged out) makes the pool stale: its idle sessions are closed one by one, and each
// session still in another caller's hands is closed by that caller when it is done
// (C_CloseAllSessions would pull sessions out from under threads still in C_Sign, which
// crashes SoftHSM). Sessions made after that form the new pool, logging in anew.

const require = createRequire(import.meta.url);
type Module = Pkcs11Js.PKCS11;
type Handle = Pkcs11Js.Handle;
let binding: typeof Pkcs11Js | undefined;
/** pkcs11js, loaded on first use: installations on database keys never load the native addon. */
export const pkcs11js = (): typeof Pkcs11Js => (binding ??= require("pkcs11js") as typeof Pkcs11Js);

const POOL_SIZE = 4; // libuv's default thread pool: more sessions would only queue there
const TOKEN_GONE = new Set(["CKR_SESSION_HANDLE_INVALID", "CKR_SESSION_CLOSED", "CKR_DEVICE_REMOVED", "CKR_TOKEN_NOT_PRESENT", "CKR_DEVICE_ERROR", "CKR_USER_NOT_LOGGED_IN", "CKR_CRYPTOKI_NOT_INITIALIZED", "CKR_SLOT_ID_INVALID"]);
/** The token's answers that judge the PIN itself: trying it again cannot succeed and may lock the token. */
const PIN_REFUSED = new Set(["CKR_PIN_INCORRECT", "CKR_PIN_LOCKED", "CKR_PIN_LEN_RANGE"]);
/** Errors after which the session no longer exists: closing it again could close a new session given the same handle. */
const SESSION_GONE = new Set(["CKR_SESSION_HANDLE_INVALID", "CKR_SESSION_CLOSED", "CKR_DEVICE_REMOVED", "CKR_TOKEN_NOT_PRESENT", "CKR_CRYPTOKI_NOT_INITIALIZED"]);

/** The CKR_ name of a PKCS#11 error, or null for any other error. */
export const ckr = (error: unknown): string | null => (error instanceof Error && /^CKR_/.test(error.message) ? error.message : null);

// Keyed by module path on globalThis: C_Initialize is once per process, and Next.js may load
// this file twice (separate bundles), which must share one initialized module.
const MODULES = Symbol.for("certdoor.pkcs11.modules");
const modules = ((globalThis as Record<symbol, unknown>)[MODULES] ??= new Map<string, Module>()) as Map<string, Module>;

function loadModule(modulePath: string): Module {
  let module = modules.get(modulePath);
  if (module) return module;
  const binding = pkcs11js();
  module = new binding.PKCS11();
  try {
    module.load(modulePath);
  } catch (error) {
    throw new KeyStoreConfigError(`The PKCS#11 module ${modulePath} (CA_KEY_STORE's module-path) does not load: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}. Install the HSM vendor's library there or fix the path.`);
  }
  try {
    // C_Sign runs on libuv's worker threads, several at once: without CKF_OS_LOCKING_OK a
    // module may assume one thread at a time (SoftHSM2 then takes no locks and corrupts its heap).
    module.C_Initialize({ flags: binding.CKF_OS_LOCKING_OK });
  } catch (error) {
    if (ckr(error) !== "CKR_CRYPTOKI_ALREADY_INITIALIZED") throw new KeyStoreConfigError(`The PKCS#11 module ${modulePath} does not initialize (${ckr(error) ?? String(error)}): check its configuration (for SoftHSM2, SOFTHSM2_CONF).`);
  }
  modules.set(modulePath, module);
  return module;
}

const trimmed = (padded: string) => padded.replace(/[\s\0]+$/, "");

/** An open session: compared by identity, since the module may hand its handle to a new session once the token closed it. */
type Session = { handle: Handle };
/** A session handed to one caller, with the pool's epoch at the hand-over. */
type Lease = { session: Session; epoch: number };

// Per module, which Session owns each open handle. SoftHSM2 reuses the lowest free handle, so
// after a token reset a stale pool's handle may already name a fresh session (of this pool
// or another one on the module): only the owner of record may close it.
const OWNERS = Symbol.for("certdoor.pkcs11.sessionOwners");
const owners = ((globalThis as Record<symbol, unknown>)[OWNERS] ??= new WeakMap<Module, Map<string, Session>>()) as WeakMap<Module, Map<string, Session>>;
const ownersOf = (module: Module) => owners.get(module) ?? owners.set(module, new Map()).get(module)!;
const handleKey = (handle: Handle) => handle.toString("hex");

/** Closes a session unless its handle now belongs to another session; errors mean it is closed already. */
function closeSession(module: Module, session: Session, close = true): void {
  const registry = ownersOf(module);
  if (registry.get(handleKey(session.handle)) !== session) return;
  registry.delete(handleKey(session.handle));
  if (!close) return;
  try {
    module.C_CloseSession(session.handle);
  } catch {
    // the token closed it (reset, removed): nothing left to close
  }
}

export class TokenSessions {
  readonly module: Module;
  private slot: Handle | null = null;
  private idle: Session[] = [];
  /** Sessions of this pool open now (idle, in use, or stale and in use until their callers close them): never more than POOL_SIZE. */
  private opened = 0;
  private waiting: (() => void)[] = [];
  /**
   * The token's answer to this configuration's PIN when it refused it: not tried again (each try
   * counts towards locking the user PIN, and readiness probes and redemptions would keep
   * trying) until CA_KEY_STORE or its PIN changes, which makes another TokenSessions, or the
   * process restarts.
   */
  private refusedLogin: CaKeyUnavailableError | null = null;
  /** Called when the pool is dropped: what was learnt through its sessions (object handles) may no longer hold. */
  readonly onDrop: (() => void)[] = [];
  /** Incremented each time the pool is dropped: a session handed out before is closed when it comes back. */
  private epoch = 0;

  constructor(readonly config: Pkcs11Config) {
    this.module = loadModule(config.modulePath);
  }

  /** How the token is named in messages and references: its label. */
  get tokenLabel(): string {
    return this.config.token.label ?? trimmed(this.module.C_GetTokenInfo(this.findSlot()).label);
  }

  /** The slot holding the configured token; KeyStoreConfigError when no present token matches. */
  findSlot(): Handle {
    if (this.slot) return this.slot;
    const { label, serial, slotId } = this.config.token;
    const slots = this.module.C_GetSlotList(true);
    const match = slots.find((slot) => {
      if (slotId !== undefined && slot.readUIntLE(0, Math.min(slot.length, 6)) !== slotId) return false;
      const info = this.module.C_GetTokenInfo(slot);
      return (label === undefined || trimmed(info.label) === label) && (serial === undefined || trimmed(info.serialNumber) === serial);
    });
    const named = [label !== undefined && `token=${label}`, serial !== undefined && `serial=${serial}`, slotId !== undefined && `slot-id=${slotId}`].filter(Boolean).join(";");
    if (!match) {
      const present = slots.map((slot) => trimmed(this.module.C_GetTokenInfo(slot).label));
      throw new KeyStoreConfigError(`No PKCS#11 token ${named} is present in ${this.config.modulePath} (tokens present: ${present.length ? present.join(", ") : "none"}): initialize it or fix CA_KEY_STORE.`);
    }
    this.slot = match;
    return match;
  }

  /**
   * Runs `work` on a logged-in session of its own. A session that turns out dead (the token
   * was reset or re-inserted) makes the pool stale and the work runs once more on a fresh
   * one (unless `retry` is false: work that must not run twice); when the token is still
   * gone, the error is CaKeyUnavailableError.
   */
  async withSession<T>(work: (session: Handle) => Promise<T> | T, retry = true): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const lease = await this.take();
      try {
        const result = await work(lease.session.handle);
        this.giveBack(lease);
        return result;
      } catch (error) {
        const code = ckr(error);
        if (!code || !TOKEN_GONE.has(code)) {
          this.giveBack(lease);
          throw error;
        }
        // Only a session of the current pool says the pool is dead: one from before the last
        // drop failing tells nothing new (the pool was renewed already), so no drop storm.
        if (lease.epoch === this.epoch) this.drop();
        this.discard(lease, !SESSION_GONE.has(code));
        if (attempt > 0 || !retry) throw new CaKeyUnavailableError(`The PKCS#11 token ${this.describe()} cannot be reached (${code}): check that it is present and CA_KEY_STORE_PIN is right.`);
      }
    }
  }

  describe(): string {
    const { label, serial, slotId } = this.config.token;
    return label ?? serial ?? `in slot ${slotId}`;
  }

  /** A session, with the pool's epoch when it was handed over (what giveBack judges it by). */
  private async take(): Promise<Lease> {
    for (;;) {
      const session = this.idle.pop();
      if (session) return { session, epoch: this.epoch };
      if (this.opened < POOL_SIZE) return { session: this.open(), epoch: this.epoch };
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private open(): Session {
    if (this.refusedLogin) throw this.refusedLogin;
    const binding = pkcs11js();
    let slot: Handle;
    try {
      slot = this.findSlot();
    } catch (error) {
      // At run time a missing token is a reachability problem (readiness 503), not a configuration one.
      throw new CaKeyUnavailableError(error instanceof Error ? error.message : String(error));
    }
    let session: Handle;
    try {
      session = this.module.C_OpenSession(slot, binding.CKF_SERIAL_SESSION | binding.CKF_RW_SESSION);
    } catch (error) {
      this.slot = null;
      throw new CaKeyUnavailableError(`The PKCS#11 token ${this.describe()} cannot be opened (${ckr(error) ?? String(error)}): check that it is present.`);
    }
    try {
      this.module.C_Login(session, binding.CKU_USER, this.config.pin);
    } catch (error) {
      const code = ckr(error);
      if (code !== "CKR_USER_ALREADY_LOGGED_IN") {
        this.module.C_CloseSession(session);
        const hint = code === "CKR_PIN_INCORRECT" || code === "CKR_PIN_LEN_RANGE" ? "the PIN is wrong: fix CA_KEY_STORE_PIN (or the pin-source file)" : code === "CKR_PIN_LOCKED" ? "its PIN is locked: unlock it with the token's SO PIN" : "check the token and CA_KEY_STORE_PIN";
        const refusal = new CaKeyUnavailableError(`Cannot log in to the PKCS#11 token ${this.describe()} (${code ?? String(error)}): ${hint}.`);
        if (code && PIN_REFUSED.has(code)) this.refusedLogin = refusal;
        throw refusal;
      }
    }
    this.opened++;
    const opened = { handle: session };
    ownersOf(this.module).set(handleKey(session), opened);
    return opened;
  }

  private giveBack(lease: Lease): void {
    if (lease.epoch !== this.epoch) return this.discard(lease, true);
    this.idle.push(lease.session);
    this.waiting.shift()?.();
  }

  /** Closes a session of a stale pool (unless the token has closed it already) and lets the next caller in line open one. */
  private discard(lease: Lease, close: boolean): void {
    closeSession(this.module, lease.session, close);
    this.opened--;
    this.waiting.shift()?.();
  }

  /**
   * Makes the pool stale (the token was reset, removed or logged out): its idle sessions are
   * closed one at a time, and those in use are closed by their callers when they come back.
   * The next operation opens a fresh session, logging in anew.
   */
  drop(): void {
    this.epoch++;
    const idle = this.idle.splice(0);
    for (const session of idle) closeSession(this.module, session);
    this.opened -= idle.length;
    this.slot = null;
    for (const forget of this.onDrop) forget();
    for (const wake of this.waiting.splice(0)) wake();
  }
}
