// The parser fuzzing properties of `npm test` (lib/pki/*.fuzz.test.ts) at full size: the CSR
// check, PEM, OCSP request and DER readers on near-valid mutations of real inputs and on
// random input. Prints one JSON line per property: runs, outcome counts, the slowest single
// call, the wall time, and the failure (with fast-check's seed and path) if there is one.
//
// Run: node --import tsx bench/fuzz-parsers.ts [--runs 100000] [--seed 20261129] [--only csr]
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { csrProperties } from "@/lib/testing/fuzz/csr-properties";
import { parserSeeds } from "@/lib/testing/fuzz/parser-seeds";
import { readerProperties } from "@/lib/testing/fuzz/reader-properties";
import { FUZZ_SEED } from "@/lib/testing/fuzz/settings";

const { values } = parseArgs({ options: { runs: { type: "string", default: "100000" }, seed: { type: "string", default: String(FUZZ_SEED) }, only: { type: "string" } } });
const numRuns = Number(values.runs);
const seed = Number(values.seed);
console.log(JSON.stringify({ seed, runsPerProperty: numRuns }));

const seeds = await parserSeeds();
let failures = 0;
for (const { name, tally, check } of [...csrProperties(seeds), ...readerProperties(seeds)]) {
  if (values.only && !name.includes(values.only)) continue;
  const started = performance.now();
  let failure: string | undefined;
  try {
    await check({ numRuns, seed });
  } catch (error) {
    failures++;
    failure = error instanceof Error ? error.message.slice(0, 4000) : String(error);
  }
  // The slowest input, to look at: PEM text as is, DER as bytes.
  const slowest = tally.slowestInput;
  const slowestFile = `data/fuzz-slowest/${name.replace(/\W+/g, "-").slice(0, 60)}.${typeof slowest === "string" ? "txt" : "bin"}`;
  mkdirSync("data/fuzz-slowest", { recursive: true });
  writeFileSync(slowestFile, slowest instanceof Uint8Array || typeof slowest === "string" ? slowest : JSON.stringify(slowest ?? null));
  console.log(JSON.stringify({ property: name, runs: numRuns, ...tally.toJSON(), slowestFile, wallSeconds: Math.round((performance.now() - started) / 100) / 10, failure }));
}
process.exit(failures === 0 ? 0 : 1);
