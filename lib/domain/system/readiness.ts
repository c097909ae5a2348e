import { readdir } from "node:fs/promises";
import { getDb } from "@/lib/db";
import { defaultMigrationsDir } from "@/lib/db/migrate";
import { caKeyRefOf, type CaKeyColumns, checkCaKey } from "@/lib/domain/ca/key-store";

// Whether this process should be sent traffic: the database answers, every migration this
// build carries has been applied, every Frontdoor has its issuing CA (and the root exists),
// every current issuing CA's key outside the database can be reached (token present, PIN
// right, key there: `ca_key_unavailable` otherwise), and the process is not shutting down. Load balancers and orchestrators poll it; the
// answer names what is wrong.

export type Readiness = { ready: true } | { ready: false; reason: string; code?: "ca_key_unavailable" };
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
  for (const ca of state.heldKeys) {
    try {
      await checkCaKey(caKeyRefOf(ca), ca.id);
    } catch (error) {
      return { ready: false, code: "ca_key_unavailable", reason: error instanceof Error ? error.message : String(error) };
    }
  }
  return { ready: true };
}
