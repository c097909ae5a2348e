// Redemptions per second with the issuing CA's key in SoftHSM2 (PKCS#11) against the same
// with the key in the database, in one run, back to back and alternating, so a shared and
// noisy machine slows both alike; the ratio is the number to read. In process, through the
// domain's redeemToken (CSR check, signature, claim, audit), `--concurrency` at a time.
//
// Run: CERTDOOR_DATA_DIR=$(mktemp -d) node --conditions=react-server --import tsx bench/hsm-redeem.ts [--count 400] [--concurrency 8] [--rounds 3]
// (the embedded PostgreSQL in that folder, or DATABASE_URL and CERTDOOR_MASTER_KEY when set)
import { parseArgs } from "node:util";
import { env } from "@/lib/env";
import { makeSoftHsm } from "@/lib/testing/softhsm";

const { values } = parseArgs({ options: { count: { type: "string", default: "400" }, concurrency: { type: "string", default: "8" }, rounds: { type: "string", default: "3" } } });
const count = Number(values.count);
const concurrency = Number(values.concurrency);

const hsm = makeSoftHsm(); // before the first PKCS#11 call: SoftHSM reads SOFTHSM2_CONF then
const token = hsm.addToken("certdoor-bench");
const { resolveRuntime } = await import("@/lib/runtime/runtime");
const runtime = await resolveRuntime();
const { migrate } = await import("@/lib/db/migrate");
await migrate(runtime.databaseUrl);
const { createFrontdoor } = await import("@/lib/domain/frontdoors");
const { createToken } = await import("@/lib/domain/tokens");
const { redeemToken } = await import("@/lib/domain/certificates");
const { systemPrincipal } = await import("@/lib/domain/access/principal");
const { opensslCsr } = await import("@/lib/testing/openssl");
const { closeDb, getDb } = await import("@/lib/db");
const system = systemPrincipal("bench");

const makeFrontdoorIn = async (store: "database" | "pkcs11") => {
  env.CA_KEY_STORE = store === "database" ? undefined : token.uri;
  env.CA_KEY_STORE_PIN = token.pin;
  const frontdoor = await createFrontdoor(system, { name: `bench-${store}-${Date.now()}` });
  const cas = await getDb().certificateAuthority.findMany({ where: { frontdoorId: frontdoor.id }, select: { keyStore: true } });
  if (cas.some((ca) => ca.keyStore !== store)) throw new Error(`the ${store} Frontdoor's CA is not in ${store}`);
  return frontdoor.id;
};
const frontdoors = { database: await makeFrontdoorIn("database"), pkcs11: await makeFrontdoorIn("pkcs11") };
const csr = opensslCsr("ec-p256").csrPem; // one CSR: the key is not what is measured

async function round(store: keyof typeof frontdoors): Promise<number> {
  const frontdoorId = frontdoors[store];
  const secrets: string[] = [];
  for (let i = 0; i < count; i++) secrets.push((await createToken(system, frontdoorId, { name: `b${i}`, commonName: `b${i}.example.com` })).token);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < secrets.length) await redeemToken({ frontdoorId, secret: secrets[next++]!, body: { type: "CSR", value: csr }, context: {} });
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

await round("database"); // warm-up: JIT, connections, the signer caches
await round("pkcs11");
const rates: Record<string, number[]> = { database: [], pkcs11: [] };
for (let r = 0; r < Number(values.rounds); r++) {
  for (const store of r % 2 === 0 ? (["database", "pkcs11"] as const) : (["pkcs11", "database"] as const)) rates[store]!.push(await round(store));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const result = { count, concurrency, rounds: Number(values.rounds), databasePerSecond: Math.round(median(rates.database!)), pkcs11PerSecond: Math.round(median(rates.pkcs11!)) };
console.log(JSON.stringify({ ...result, ratio: +(result.pkcs11PerSecond / result.databasePerSecond).toFixed(2), all: rates }));
await closeDb();
await runtime.stop();
