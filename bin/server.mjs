// The HTTP server the launcher runs: Next.js's request handler behind a plain Node server,
// so that the client's address comes from the socket. `next start` only fills
// X-Forwarded-For when the client did not send one, which would let anyone choose the IP
// that the audit log and the rate limits see. Here the address is taken from the socket
// (or, with --trust-proxy N, from the N-th entry from the right of X-Forwarded-For, the one
// the nearest trusted proxy saw) and handed on in a header that clients cannot set.
//
// With --workers N (N > 1), a primary process forks N workers that share the port
// (node:cluster), restarts one that dies, and passes SIGTERM/SIGINT on. Start-up work
// (migrations, bootstrap, CAs) happened once in the launcher before; background jobs elect
// themselves in PostgreSQL, so each worker may run their timers.
//
// Usage: node bin/server.mjs --port 3000 [--hostname 0.0.0.0] [--trust-proxy 0] [--workers 1]
import cluster from "node:cluster";
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { answerExpectContinue, refuseOversizedBody } from "./body-limit.mjs";
import { CLIENT_IP_HEADER, clientIp, forwardingHeaderOf } from "./client-ip.mjs";
import { leanDoorOf, loadLeanDoors } from "./lean-doors.mjs";
import { answerMalformedPath, hasMalformedPath } from "./malformed-path.mjs";
import { jsonOnlyOutput, makeLog, requestObservers } from "./observe.mjs";

const CLIENT_IP_PROOF_HEADER = "x-certdoor-client-ip-proof";
const CLIENT_FORWARDED_HEADER = "x-certdoor-forwarded"; // read by lib/http/client-info.ts, like the address

const { values } = parseArgs({
  options: { port: { type: "string" }, hostname: { type: "string" }, "trust-proxy": { type: "string" }, workers: { type: "string" } },
});
const port = Number(values.port ?? 3000);
const trustedHops = Number(values["trust-proxy"] ?? 0);
const workers = Math.max(1, Number(values.workers ?? 1));
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

if (cluster.isPrimary && workers > 1) {
  await runPrimary();
} else {
  await runServer();
}

async function runPrimary() {
  jsonOnlyOutput();
  // One scrape sees every worker: a worker asked for /metrics asks this process, which
  // gathers all workers' registries (prom-client's aggregator) and answers it.
  process.env.CERTDOOR_CLUSTER = "1";
  const { AggregatorRegistry } = (await import("prom-client")).default;
  const aggregator = new AggregatorRegistry();
  cluster.on("message", (worker, message) => {
    if (message?.type !== "certdoor:metrics-request") return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: "certdoor:metrics", id: message.id, text }),
      (error) => worker.send({ type: "certdoor:metrics", id: message.id, error: String(error?.message ?? error) }),
    );
  });
  const log = await makeLog();
  let stopping = false;
  const listeningWorkers = new Set();
  // A benchmark's CPU profile of each worker (bench/floor-ratio.sh CPU_PROFILE=dir), written when it exits.
  if (process.env.CERTDOOR_CPU_PROF_DIR) cluster.setupPrimary({ execArgv: [...process.execArgv, "--cpu-prof", "--cpu-prof-dir", process.env.CERTDOOR_CPU_PROF_DIR] });
  const fork = () => cluster.fork();
  for (let i = 0; i < workers; i++) fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    // A worker that never listened failed to start (the port is taken, the build is
    // missing): starting another would fail the same way, so the server stops instead.
    if (!listeningWorkers.has(worker.id)) {
      log.fatal({ worker: worker.process.pid, exit: signal ?? code }, `worker ${worker.process.pid} failed to start (${signal ?? code}); stopping`);
      process.exit(1);
    }
    log.error({ worker: worker.process.pid, exit: signal ?? code }, `worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    fork();
  });
  cluster.on("listening", (worker) => {
    listeningWorkers.add(worker.id);
    if (listeningWorkers.size === workers) log.info({ port, workers }, `listening on port ${port} with ${workers} workers`);
  });
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      const alive = Object.values(cluster.workers ?? {}).filter(Boolean);
      let left = alive.length;
      if (left === 0) process.exit(0);
      for (const worker of alive) {
        worker.once("exit", () => --left === 0 && process.exit(0));
        worker.process.kill("SIGTERM");
      }
      // Each worker drains for up to SHUTDOWN_GRACE_SECONDS; this is the backstop.
      setTimeout(() => process.exit(0), (Number(process.env.SHUTDOWN_GRACE_SECONDS ?? 10) + 10) * 1000).unref();
    });
  }
}

async function runServer() {
  jsonOnlyOutput();
  // This process's proof that it, not the client, wrote the address header. Set before Next
  // loads the app, which reads it once (lib/env.ts); a client-sent proof is overwritten too.
  const proof = randomBytes(32).toString("base64url");
  process.env.CERTDOOR_CLIENT_IP_SECRET = proof;
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: root, port, hostname: values.hostname });
  const handle = app.getRequestHandler();
  await app.prepare();

  // Served under https (PUBLIC_URL says so, behind a TLS-terminating proxy): browsers must
  // never come back over plain HTTP. Decided at run time, unlike next.config's headers.
  const isHttps = /^https:\/\//i.test(process.env.PUBLIC_URL ?? "");
  let inFlight = 0;
  let isDraining = false;
  const { observe } = await requestObservers();
  const log = await makeLog();
  // The hot doors skip Next.js's request pipeline (bin/lean-doors.mjs); CERTDOOR_LEAN_DOORS=off sends them through it.
  const lean = process.env.CERTDOOR_LEAN_DOORS === "off" ? null : await loadLeanDoors(path.join(root, ".next"), { onError: (error) => log.error({ err: error }, "a hot door failed below its route handler") });
  if (!lean && process.env.CERTDOOR_LEAN_DOORS !== "off") log.warn("the hot doors are served through Next.js: the build does not have the shape bin/lean-doors.mjs expects");
  const server = http.createServer((req, res) => {
    req.headers[CLIENT_IP_HEADER] = clientIp(req.headers["x-forwarded-for"], req.socket.remoteAddress, trustedHops);
    req.headers[CLIENT_IP_PROOF_HEADER] = proof;
    // The forwarding header the client sent, if any: Next.js adds X-Forwarded-* of its own before a handler sees it.
    req.headers[CLIENT_FORWARDED_HEADER] = forwardingHeaderOf(req.headers) ?? "";
    // A proxy's request id is kept when it looks like one; otherwise this request gets its own.
    const given = req.headers["x-request-id"];
    const requestId = typeof given === "string" && /^[\w.:-]{8,128}$/.test(given) ? given : randomUUID();
    req.headers["x-request-id"] = requestId;
    res.setHeader("X-Request-Id", requestId);
    if (isHttps) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    // While draining, every answer closes its connection, so clients reconnect elsewhere.
    if (isDraining) res.setHeader("Connection", "close");
    inFlight += 1;
    observe(req, res, requestId);
    res.once("close", () => (inFlight -= 1));
    // A path Next.js cannot percent-decode would get its plain-text 500: answered as the doors would.
    if (hasMalformedPath(req.url)) return answerMalformedPath(res);
    // A body over the path's limit is refused before Next.js buffers any of it (bin/body-limit.mjs).
    if (refuseOversizedBody(req, res)) return;
    const door = lean && leanDoorOf(req);
    if (door && lean.serve(req, res, door)) return;
    handle(req, res);
  });
  answerExpectContinue(server);
  server.keepAliveTimeout = 65_000;
  server.on("error", (error) => {
    log.fatal({ port, err: error.message }, `cannot listen on port ${port}: ${error.message}`);
    process.exit(1);
  });
  server.listen(port, values.hostname, () => {
    if (!cluster.isWorker) log.info({ port }, `listening on port ${port}`);
  });

  // Graceful stop (SIGTERM/SIGINT): readiness turns 503 at once and answers start closing
  // their connections; after a short delay (for load balancers to see it) and once requests
  // in flight are done, the listener closes, all within SHUTDOWN_GRACE_SECONDS; then the
  // background jobs stop (the sealer seals what is committed) and the process exits.
  const graceMs = Math.max(1, Number(process.env.SHUTDOWN_GRACE_SECONDS ?? 10)) * 1000;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  let closing = false;
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, async () => {
      if (closing) return;
      closing = true;
      isDraining = true;
      globalThis[Symbol.for("certdoor.draining")] = true;
      const deadline = Date.now() + graceMs;
      setTimeout(() => process.exit(0), graceMs + 5_000).unref();
      await sleep(Math.min(2_000, graceMs / 4));
      // Node's close() also drops connections with no request parsed yet, which under load
      // includes ones whose request is waiting unread: it comes only once nothing has been
      // in flight for a moment (or the grace is over), and the rest finish after it.
      for (let quietSince = Date.now(); Date.now() < deadline; await sleep(25)) {
        if (inFlight > 0) quietSince = Date.now();
        else if (Date.now() - quietSince >= 250) break;
      }
      server.close();
      while (inFlight > 0 && Date.now() < deadline) await sleep(25);
      server.closeAllConnections?.();
      const stopJobs = globalThis[Symbol.for("certdoor.stopBackground")];
      if (typeof stopJobs === "function") await Promise.race([stopJobs().catch(() => undefined), sleep(Math.max(0, deadline - Date.now()) + 2_000)]);
      process.exit(0);
    });
  }
}
