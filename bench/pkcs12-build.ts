// Time to build the password-protected files the redemption page and `certdoor redeem`
// offer: key.pem (PBES2, 600,000 PBKDF2-SHA-256 iterations) and client.p12 in both modes.
// Run: node --import tsx bench/pkcs12-build.ts [--runs 5]
import { generateKeyPairSync } from "node:crypto";
import { parseArgs } from "node:util";
import { createRootCa } from "@/lib/pki/ca";
import { fromPem } from "@/lib/pki/pem";
import { buildPkcs12, encryptedPrivateKeyPem, ITERATIONS } from "@/lib/pki/pkcs12";

const runs = Number(parseArgs({ options: { runs: { type: "string", default: "5" } } }).values.runs);
const root = await createRootCa("bench");
const certificateDer = fromPem(root.certificatePem, ["CERTIFICATE"])!;
const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const pkcs8Der = new Uint8Array(privateKey.export({ format: "der", type: "pkcs8" }));

async function time(label: string, iterations: object, run: () => Promise<unknown>) {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(JSON.stringify({ file: label, iterations, runs, medianMs: Math.round(ms[Math.floor(runs / 2)]!), maxMs: Math.round(ms.at(-1)!) }));
}

await time("key.pem (encrypted)", { pbkdf2: ITERATIONS.modern.key }, () => encryptedPrivateKeyPem(pkcs8Der, "a passphrase"));
for (const mode of ["modern", "compatible"] as const) {
  await time(`client.p12 ${mode}`, ITERATIONS[mode], () => buildPkcs12({ pkcs8Der, certificatesDer: [certificateDer], password: "a passphrase", mode }));
}
