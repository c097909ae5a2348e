import { readdir } from "node:fs/promises";
import { getDb } from "@/lib/db";
import { defaultMigrationsDir } from "@/lib/db/migrate";
import { caKeyRefOf, type CaKeyColumns, checkCaKey } from "@/lib/domain/ca/key-store";
import { env } from "@/lib/env";
import { logger } from "@/lib/observability/log";

// Whether this process should be sent traffic: the database answers, every migration this
// build carries has been applied, every Frontdoor has its issuing CA (and the root exists),
// every current issuing CA's key outside the database can be reached (token present, PIN
// right, key there: `ca_key_unavailable` otherwise), and the process is not shutting down. Load balancers and orchestrators poll it; the
// answer names what is wrong, except which CA key and why: anyone may call it, so the token,
// module and PKCS#11 error go to the log (and `detail`, which the route does not send).

export type Readiness = { ready: true } | { ready: false; reason: string; code?: "ca_key_unavailable"; detail?: string };
type HeldKey = CaKeyColumns & { id: string };

/** Set by bin/server.mjs when SIGTERM arrives: ready turns 503 while in-flight requests finish. */
const DRAINING = Symbol.for("certdoor.draining");
export const isDraining = () => (globalThis as Record<symbol, unknown>)[DRAINING] === true;

let expected: Promise<string[]> | undefined;
/** The migrations this build carries (read once per process). */
const expectedMigrations = () => {
  expected ??= readdir(defaultMigrationsDir, { withFileTypes: true }).then((entries) => entries.filter((e) => e.isDirectory()).map((e) => e.name));
  expected.catch(() => (expected = undefined));
  return expected;
};

/** How long a key check answers for: probes every second would otherwise queue for the token's sessions with the signatures. */
const KEY_CHECK_MS = 5_000;
let keyCheck: { key: string; at: number; outcome: Promise<string | null> } | undefined;
let lastLogged: string | null = null;

/** Why the first held key cannot be used now (one line), or null; made at most once per KEY_CHECK_MS for the same keys and key-store configuration. */
function unreachableKey(heldKeys: HeldKey[]): Promise<string | null> {
  const key = JSON.stringify([env.CA_KEY_STORE, env.CA_KEY_STORE_PIN, heldKeys.map((ca) => ca.id)]);
  if (keyCheck && keyCheck.key === key && Date.now() - keyCheck.at < KEY_CHECK_MS) return keyCheck.outcome;
  const outcome = (async () => {
    for (const ca of heldKeys) {
      try {
        await checkCaKey(caKeyRefOf(ca), ca.id);
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    }
    return null;
  })();
  keyCheck = { key, at: Date.now(), outcome };
  return outcome;
}

export async function readiness(): Promise<Readiness> {
  if (isDraining()) return { ready: false, reason: "shutting down: finishing requests in flight" };
  let state: { applied: string[]; frontdoorsWithoutCa: number; roots: number; heldKeys: HeldKey[] };
  try {
    const [row] = await getDb().$queryRaw<{ applied: string[]; frontdoorsWithoutCa: number; roots: number; heldKeys: HeldKey[] }[]>`
      SELECT (SELECT coalesce(array_agg("migration_name"), '{}') FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL) AS applied,
             (SELECT count(*)::int FROM "Frontdoor" f WHERE NOT EXISTS (SELECT 1 FROM "CertificateAuthority" c WHERE c."frontdoorId" = f."id")) AS "frontdoorsWithoutCa",
             (SELECT count(*)::int FROM "CertificateAuthority" WHERE "kind" = 'root') AS roots,
             (SELECT coalesce(json_agg(json_build_object('id', "id", 'keyStore', "keyStore", 'encryptedPrivateKey', NULL, 'keyReference', "keyReference")), '[]')
                FROM "CertificateAuthority" WHERE "kind" = 'intermediate' AND "retiredAt" IS NULL AND "keyStore" <> 'database') AS "heldKeys"`;
    state = row!;
  } catch (error) {
    return { ready: false, reason: `database unreachable: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}` };
  }
  const missing = (await expectedMigrations()).filter((name) => !state.applied.includes(name));
  if (missing.length > 0) return { ready: false, reason: `migrations not applied: ${missing.join(", ")}` };
  if (state.roots === 0) return { ready: false, reason: "no root CA yet" };
  if (state.frontdoorsWithoutCa > 0) return { ready: false, reason: `${state.frontdoorsWithoutCa} Frontdoor(s) without an issuing CA` };
  // Database keys were opened at start; a token can go away (or its PIN change) at any time.
  const detail = await unreachableKey(state.heldKeys);
  // Logged when it changes, not on every probe.
  if (detail !== lastLogged && detail) logger("readiness").warn({ detail }, "a CA key cannot be reached");
  lastLogged = detail;
  if (detail) return { ready: false, code: "ca_key_unavailable", reason: "a CA key cannot be reached in its key store (the server's log says which and why)", detail };
  return { ready: true };
}
