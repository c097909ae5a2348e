// The top of a V8 CPU profile (`node --cpu-prof`): self time by function and by where the
// code lives (Node.js internals, Next.js, the app's bundle, pg, Prisma, …), as shares of the
// busy time (idle excluded) and of the whole. Usage: node bench/cpu-profile-top.mjs FILE.cpuprofile [N]
// (REDEEM_WINDOW_SECONDS and SKIP_SOCKET_WAITS below narrow it to the redemption run's CPU).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

// Frames in the app's bundle are named through the build's source maps (.next/server/chunks/*.js.map):
// the original file (lib/…, node_modules/zod/…) and, where the map has it, the function.
const { SourceMapConsumer } = createRequire(import.meta.url)("source-map-js");
const maps = new Map();
function original(frame) {
  if (!frame.url.includes("/.next/")) return null;
  const file = frame.url.startsWith("file://") ? fileURLToPath(frame.url) : frame.url;
  if (!maps.has(file)) maps.set(file, existsSync(`${file}.map`) ? new SourceMapConsumer(JSON.parse(readFileSync(`${file}.map`, "utf8"))) : null);
  const position = maps.get(file)?.originalPositionFor({ line: frame.lineNumber + 1, column: frame.columnNumber });
  return position?.source ? { source: position.source.replace(/^(\.\.\/)+/, "").replace(/^\[project\]\//, ""), line: position.line, name: position.name } : null;
}

const [file, n = "25"] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
// REDEEM_WINDOW_SECONDS=N: only the N seconds before the profile's last signature (with
// bench/floor-ratio.sh's phases, the end of the redemption run). SKIP_SOCKET_WAITS=1: samples
// inside a socket write are left out and counted apart: on shared cores a write that wakes
// PostgreSQL is mostly time spent waiting for a core, not CPU (the /proc figures have no such bias).
const SOCKET_WRITES = new Set(["writev", "writeBuffer", "writeUtf8String"]);
const times = [];
for (let i = 0, t = profile.startTime; i < profile.samples.length; i++) times.push((t += profile.timeDeltas[i] ?? 0));
const lastSignature = profile.samples.reduce((last, id, i) => (/^(signOneShot|verifyOneShot)$/.test(byId.get(id).callFrame.functionName) ? times[i] : last), 0);
const from = process.env.REDEEM_WINDOW_SECONDS ? lastSignature - Number(process.env.REDEEM_WINDOW_SECONDS) * 1e6 : -Infinity;
const until = process.env.REDEEM_WINDOW_SECONDS ? lastSignature : Infinity;
const self = new Map();
let socketWaits = 0;
for (let i = 0; i < profile.samples.length; i++) {
  if (times[i] < from || times[i] > until) continue;
  const id = profile.samples[i];
  if (process.env.SKIP_SOCKET_WAITS && SOCKET_WRITES.has(byId.get(id).callFrame.functionName)) {
    socketWaits += profile.timeDeltas[i] ?? 0;
    continue;
  }
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

/** Where a frame's code lives, from its URL. */
function areaOf({ functionName, url }) { // eslint-disable-line prefer-rest-params
  if (functionName === "(idle)") return "idle";
  if (functionName === "(garbage collector)") return "GC";
  if (functionName === "(program)") return "program (native, unattributed)";
  if (!url) return "native";
  const mapped = original({ url, functionName, lineNumber: arguments[0].lineNumber, columnNumber: arguments[0].columnNumber });
  if (mapped) return mapped.source.startsWith("node_modules/") ? mapped.source.split("/").slice(0, mapped.source.startsWith("node_modules/@") ? 3 : 2).join("/") : mapped.source.split("/").slice(0, 3).join("/");
  if (url.startsWith("node:")) return "node internals";
  for (const [pattern, name] of [
    [/node_modules\/next\//, "next.js"],
    [/node_modules\/(@prisma|prisma)\//, "prisma"],
    [/lib\/generated\/prisma/, "prisma"],
    [/node_modules\/(pg|pg-protocol|pg-pool|pg-types)\//, "pg"],
    [/node_modules\/(pino|pino-std-serializers|sonic-boom|fast-redact|thread-stream)\//, "pino"],
    [/node_modules\/prom-client\//, "prom-client"],
    [/node_modules\/(@peculiar|asn1js|pvtsutils|@oslojs|tslib)\//, "asn1 (@peculiar)"],
    [/node_modules\/zod\//, "zod"],
    [/\.next\/server\/chunks\/.*(\[root-of-the-server\]|node_modules)/, "app bundle: vendored libs"],
    [/\.next\//, "app bundle"],
    [/bin\//, "bin (server.mjs, lean doors)"],
    [/node_modules\//, "other node_modules"],
  ]) if (pattern.test(url)) return name;
  return url;
}

const byFunction = new Map();
const byArea = new Map();
for (const [id, time] of self) {
  const frame = byId.get(id).callFrame;
  const mapped = original(frame);
  const where = mapped ? `${mapped.source}:${mapped.line}` : frame.url ? `${frame.url.replace(/^.*\/(node_modules|\.next)\//, "$1/").replace(/^file:\/\/.*?\/(bin|lib)\//, "$1/")}:${frame.lineNumber + 1}` : "";
  const key = `${(mapped?.name ?? frame.functionName) || "(anonymous)"} ${where}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + time);
  const area = areaOf(frame);
  byArea.set(area, (byArea.get(area) ?? 0) + time);
}
const busy = total - (byArea.get("idle") ?? 0);
const pct = (t, of) => `${((100 * t) / of).toFixed(1)}%`.padStart(6);
console.log(`profile: ${(total / 1e6).toFixed(1)} s sampled, busy ${(busy / 1e6).toFixed(1)} s (${pct(busy, total).trim()})${socketWaits ? `; socket writes left out: ${(socketWaits / 1e6).toFixed(1)} s` : ""}`);
console.log("\nself time by area (share of busy):");
for (const [area, t] of [...byArea].filter(([a]) => a !== "idle").sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(`${pct(t, busy)}  ${area}`);
console.log(`\ntop ${n} functions by self time (share of busy):`);
for (const [key, t] of [...byFunction].filter(([k]) => !k.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, Number(n))) console.log(`${pct(t, busy)}  ${key}`);
