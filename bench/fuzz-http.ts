// The HTTP fuzzing of `npm test` (lib/http/doors.fuzz.int.test.ts) against a running
// production server, at full size: generated requests to every door (the same generator),
// `--concurrency` at a time, each answer checked against the contract
// (lib/testing/fuzz/http-contract.ts). Tallies statuses, 5xx, contract breaches, connection
// errors and timeouts; samples the server's memory (VmRSS of --pid and every process under
// it, Node and PostgreSQL apart) as it goes; counts server processes that died; and finally
// checks that tokens the generator never knew are untouched and one of them still redeems.
//
// Start the server with TRUST_PROXY_HOPS=1: each request then comes "from" its own address
// (X-Forwarded-For), so the unknown-token limiter does not answer 429 to nearly everything.
//
// Run: node --import tsx bench/fuzz-http.ts --server http://127.0.0.1:3400 --frontdoor ID --api-key cdk_… --pid PID
//        --sign-in-password P [--sign-in-email admin@localhost] [--requests 100000] [--concurrency 32] [--seed 20261129]
import { readdirSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { fromPem } from "@/lib/pki/pem";
import { contractProblems } from "@/lib/testing/fuzz/http-contract";
import { type FuzzRequest, fuzzRequests, pathOf } from "@/lib/testing/fuzz/http-requests";
import { ocspRequest } from "@/lib/testing/fuzz/parser-seeds";
import { FUZZ_SEED } from "@/lib/testing/fuzz/settings";
import { Tally } from "@/lib/testing/fuzz/tally";
import { openssl, opensslCsr } from "@/lib/testing/openssl";

const { values } = parseArgs({
  options: {
    server: { type: "string" },
    frontdoor: { type: "string" },
    "api-key": { type: "string", multiple: true },
    pid: { type: "string" },
    "sign-in-email": { type: "string", default: "admin@localhost" },
    "sign-in-password": { type: "string" },
    requests: { type: "string", default: "100000" },
    concurrency: { type: "string", default: "32" },
    seed: { type: "string", default: String(FUZZ_SEED) },
  },
});
const server = values.server;
const frontdoorId = values.frontdoor;
const apiKeys = values["api-key"] ?? [];
if (!server || !frontdoorId || apiKeys.length === 0 || !values.pid || !values["sign-in-password"]) {
  throw new Error("usage: --server URL --frontdoor ID --api-key cdk_… --pid PID --sign-in-password P [--sign-in-email admin@localhost] [--requests N] [--concurrency N] [--seed N]");
}
const rootPid = Number(values.pid);
const total = Number(values.requests);
const seed = Number(values.seed);
const admin = apiKeys[0]!;
console.log(JSON.stringify({ seed, requests: total, concurrency: Number(values.concurrency), server }));

/**
 * The pid and every process under it, with what they are and their memory: VmRSS, and for
 * PostgreSQL Pss (its processes share the buffer cache, which RSS would count in each).
 */
function processTree(): { pid: number; name: string; rssKiB: number }[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // the process ended while we looked
    }
  }
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  return tree.flatMap((pid) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const name = /^Name:\s+(\S+)/m.exec(status)?.[1] ?? "?";
      const rss = name === "postgres" ? /^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8")) : /^VmRSS:\s+(\d+)/m.exec(status);
      return [{ pid, name, rssKiB: Number(rss?.[1] ?? 0) }];
    } catch {
      return [];
    }
  });
}

const nodePids = () => new Set(processTree().filter((p) => p.name !== "postgres").map((p) => p.pid));
function memory(label: string) {
  const tree = processTree();
  const mib = (ps: typeof tree) => Math.round(ps.reduce((sum, p) => sum + p.rssKiB, 0) / 1024);
  const node = tree.filter((p) => p.name !== "postgres");
  return { at: label, nodeRssMiB: mib(node), perProcessMiB: Object.fromEntries(node.map((p) => [`${p.name} ${p.pid}`, Math.round(p.rssKiB / 1024)])), postgresPssMiB: mib(tree.filter((p) => p.name === "postgres")) };
}

async function api(method: string, path: string, body?: unknown, key: string | null = admin): Promise<{ status: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of any shape
  const res = await fetch(`${server}${path}`, { method, headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}
const tokensPath = `/frontdoor/${frontdoorId}/certificate-request-tokens`;
const newToken = async (name: string) => (await api("POST", tokensPath, { name, commonName: `${name}.example.com`, validDays: 1 })).json as { id: string; token: string };

// The world: tokens to spend, one redeemed (its one-day certificate is renewable), one revoked,
// one expired; and tokens the generator never hears of, checked at the end.
const spendable = await Promise.all(Array.from({ length: 200 }, (_, i) => newToken(`fuzz-spend-${i}`)));
const [used, revoked, expired] = [await newToken("fuzz-used"), await newToken("fuzz-revoked"), await newToken("fuzz-expired")];
const csr = opensslCsr("ec-p256");
const issued = (await api("POST", `/frontdoor/${frontdoorId}/client-certificates/token`, { type: "CSR", value: csr.csrPem }, used.token)).json;
await api("DELETE", `${tokensPath}/${revoked.id}`);
await api("PATCH", `${tokensPath}/${expired.id}`, { expiresAt: new Date().toISOString() });
const untouched = await Promise.all(Array.from({ length: 5 }, (_, i) => newToken(`fuzz-untouched-${i}`)));
const untouchedBefore = await Promise.all(untouched.map(async (t) => (await api("GET", `${tokensPath}/${t.id}`)).json));
const csrf = await fetch(`${server}/api/auth/csrf`);
const csrfToken = ((await csrf.json()) as { csrfToken: string }).csrfToken;
const leafDer = fromPem(issued.certificate, ["CERTIFICATE"])!;
const issuerPem = issued.caCertificates as string;
const world = {
  frontdoorIds: [frontdoorId, crypto.randomUUID()],
  apiKeys: [...apiKeys, "cdk_0000000000000000000000000000000000"],
  tokenIds: [...spendable.map((t) => t.id), used.id, revoked.id, expired.id],
  certIds: [issued.id as string],
  // The server does not list CA ids; made-up ones reach the per-CA doors' refusals.
  caIds: [],
  secrets: [...spendable.map((t) => t.token), used.token, revoked.token, expired.token],
  csrDers: [fromPem(csr.csrPem, ["CERTIFICATE REQUEST"])!, fromPem(openssl(["req", "-new", "-key", csr.keyFile, "-subj", "/CN=renewal"]), ["CERTIFICATE REQUEST"])!],
  certificateDers: [leafDer],
  ocspRequests: [ocspRequest(issuerPem, leafDer, true, 1), ocspRequest(issuerPem, leafDer, false, 2)],
  // Wrong passwords for this account will lock it for an hour (the per-account limit): use a bench installation.
  signIn: { email: values["sign-in-email"]!, password: values["sign-in-password"]!, csrfToken, cookie: csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") },
};

// Requests are generated in chunks (seed, seed + 1, …) rather than all at once: bodies reach 68 KB.
const generator = fuzzRequests(world);
const CHUNK = 1000;
function* requests(): Generator<[number, FuzzRequest]> {
  for (let start = 0; start < total; start += CHUNK) {
    const chunk = fc.sample(generator, { numRuns: Math.min(CHUNK, total - start), seed: seed + start / CHUNK });
    for (const [i, request] of chunk.entries()) yield [start + i, request];
  }
}

const statuses = new Tally();
const breaches: string[] = [];
const connectionFailures: string[] = [];
const timedOut: string[] = [];
let breachCount = 0;
let connectionErrors = 0;
let timeouts = 0;
const samples = [memory("before")];
const pidsBefore = nodePids();
const started = performance.now();

async function send(index: number, request: FuzzRequest): Promise<void> {
  // One in 97 goes out with a path that is not percent-encoding, as broken clients send it.
  const isMalformed = index % 97 === 0;
  const path = isMalformed ? pathOf(request).replace(/[^/?]*(\?|$)/, "%E0%A4%A$1") : pathOf(request);
  const headers = new Headers(request.headers);
  headers.set("x-forwarded-for", request.ip);
  try {
    // The server's own answer, not where it redirects to (a trailing "/" gets Next.js's 308).
    const res = await fetch(`${server}${path}`, { method: request.method, headers, body: request.body as BodyInit | undefined, redirect: "manual", signal: AbortSignal.timeout(30_000) });
    const answer = { status: res.status, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) };
    const type = res.headers.get("content-type") ?? "";
    // Not a door's answer: Node's HTTP parser refusing a request line or headers too large (an
    // empty 4xx), or Next.js's not-found page for a path no route has (".." and "//" in it).
    if ((res.status === 431 || res.status === 414 || res.status === 400) && answer.body.length === 0 && !type) return void statuses.add(`${res.status} (Node's HTTP parser)`);
    if (res.status === 404 && type.startsWith("text/html")) return void statuses.add("404 (no such route: Next.js's page)");
    if (res.status === 308 && res.headers.get("location")) return void statuses.add("308 (Next.js: trailing slash)");
    statuses.add(String(res.status));
    // bin/server.mjs answers those before any route: 400 problem+json, whatever the door.
    const problems = isMalformed
      ? res.status === 400 && type === "application/problem+json" && (request.method === "HEAD" || /"code":"validation_failed"/.test(Buffer.from(answer.body).toString()))
        ? []
        : [`a malformed path answered ${res.status} ${type}`]
      : contractProblems(request.door, request.method, answer);
    if (problems.length > 0) {
      breachCount++;
      if (breaches.length < 20) breaches.push(`${request.method} ${path.slice(0, 200)} → ${res.status}: ${problems.join("; ")}`);
    }
  } catch (error) {
    if ((error as Error).name === "TimeoutError") {
      timeouts++;
      if (timedOut.length < 10) timedOut.push(`${request.door}: ${request.method} ${path.slice(0, 160)} (${request.body?.length ?? 0} bytes)`);
    }
    else {
      connectionErrors++;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      if (connectionFailures.length < 10) connectionFailures.push(`${request.method} ${path.slice(0, 120)} (${request.body?.length ?? 0} bytes): ${String((error as Error).message)} ${cause?.code ?? ""} ${cause?.message ?? ""}`);
    }
  }
}

const queue = requests();
let done = 0;
await Promise.all(
  Array.from({ length: Number(values.concurrency) }, async () => {
    for (let next = queue.next(); !next.done; next = queue.next()) {
      await send(...next.value);
      done++;
      // A line per tenth as it goes, so a run cut short still says what it saw.
      if (done % (total / 10) === 0) {
        samples.push(memory(`${(done / total) * 100}%`));
        console.log(JSON.stringify({ done, seconds: Math.round((performance.now() - started) / 1000), timedOut: timedOut.slice(0, 3), statuses: statuses.toJSON().outcomes, breaches: breachCount, connectionErrors, timeouts, ...samples.at(-1) }));
      }
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const pidsAfter = nodePids();
const crashed = [...pidsBefore].filter((pid) => !pidsAfter.has(pid)).length;

// Nothing valid lost: the tokens nobody addressed are as they were, and one redeems.
const untouchedAfter = await Promise.all(untouched.map(async (t) => (await api("GET", `${tokensPath}/${t.id}`)).json));
const keeper = untouched[0]!;
let redeemed = await api("POST", `/frontdoor/${frontdoorId}/client-certificates/token`, { type: "CSR", value: opensslCsr("ec-p256").csrPem }, keeper.token);
if (redeemed.status === 429) {
  await new Promise((resolve) => setTimeout(resolve, 61_000)); // the unknown-token limiter's window
  redeemed = await api("POST", `/frontdoor/${frontdoorId}/client-certificates/token`, { type: "CSR", value: opensslCsr("ec-p256").csrPem }, keeper.token);
}
samples.push(memory("after"));

console.log(JSON.stringify({ requests: total, seconds: Math.round(seconds), perSecond: Math.round(total / seconds), statuses: statuses.toJSON().outcomes }));
console.log(JSON.stringify({ responses5xx: [...statuses.counts].filter(([s]) => s.startsWith("5")).reduce((n, [, c]) => n + c, 0), contractBreaches: breachCount, connectionErrors, timeouts, serverProcessesDied: crashed }));
for (const breach of breaches) console.log(JSON.stringify({ breach }));
for (const failure of connectionFailures) console.log(JSON.stringify({ connectionError: failure }));
for (const request of timedOut) console.log(JSON.stringify({ timedOut: request }));
for (const sample of samples) console.log(JSON.stringify(sample));
console.log(JSON.stringify({ untouchedTokensUnchanged: JSON.stringify(untouchedAfter) === JSON.stringify(untouchedBefore), keeperRedeemed: redeemed.status === 201 }));
