#!/usr/bin/env node
// `npm test`: unit and integration tests (vitest, real PostgreSQL), then end-to-end tests
// (Playwright, Debian's Chromium, production build). Ends with one line that CI reads:
// `N passed, N failed`.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const results = path.join(root, "test-results");
const vitestJson = path.join(results, "vitest.json");
const playwrightJson = path.join(results, "e2e-results.json");
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const run = (command, args) => spawnSync(command, args, { cwd: root, stdio: "inherit", env }).status ?? 1;

const suites = [];
const vitestStatus = run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`]);
const playwrightStatus = run("npx", ["playwright", "test"]);

function count(file, read) {
  try {
    return read(JSON.parse(readFileSync(file, "utf8")));
  } catch {
    return null;
  }
}

const vitest = count(vitestJson, (r) => ({ passed: r.numPassedTests, failed: r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0) }));
const playwright = count(playwrightJson, (r) => ({ passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected }));
suites.push(["vitest", vitest, vitestStatus], ["playwright", playwright, playwrightStatus]);

let passed = 0;
let failed = 0;
for (const [name, counts, status] of suites) {
  if (!counts) {
    console.error(`${name}: no results were written (exit ${status}); counted as one failure`);
    failed += 1;
    continue;
  }
  passed += counts.passed;
  failed += counts.failed;
  // A runner that failed without a failing test (a crash, a server that did not start) still fails the run.
  if (status !== 0 && counts.failed === 0) failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
