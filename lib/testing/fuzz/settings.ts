// One seed for every fuzzing run, so a failure is reproduced by running again (fast-check
// prints the seed and the path of the failing case). FUZZ_SEED picks another one.
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_129);

/** Runs per property in `npm test`; bench/fuzz-parsers.ts and bench/fuzz-http.ts run the full size. */
export const TEST_RUNS = Number(process.env.FUZZ_RUNS ?? 300);
