// The server's own output (bin/server.mjs): its JSON log lines, the line and the metrics of
// every request, and JSON for whatever else writes to stdout or stderr.
import cluster from "node:cluster";
import { CLIENT_IP_HEADER } from "./client-ip.mjs";
import { routeOf } from "./request-route.mjs";

const PRINCIPAL_HEADER = "x-certdoor-principal"; // set by lib/http/handler.ts, removed here

/**
 * JSON lines like the app's (lib/observability/log.ts); readable when stdout is a terminal.
 * `isBatched`: the per-request lines are gathered and written in batches of 4 KiB, at least
 * once a second (a write per request cost a share of every hot request). Each batch is a
 * synchronous write: sonic-boom's asynchronous mode dropped a batch whose write met EAGAIN
 * when the process exited, and buffered without bound while a log collector stalled, where a
 * synchronous write pushes back on the event loop instead.
 */
export async function makeLog(component = "server", { isBatched = false } = {}) {
  const { default: pino } = await import("pino");
  const options = { level: process.env.LOG_LEVEL ?? "info", base: { pid: process.pid, component }, timestamp: pino.stdTimeFunctions.isoTime };
  if (process.stdout.isTTY) return pino(options, (await import("pino-pretty")).default({ colorize: true, sync: true }));
  const destination = pino.destination({ sync: true, minLength: isBatched ? 4096 : 0 });
  if (isBatched) {
    setInterval(() => destination.flush(), 1_000).unref();
    process.once("exit", () => destination.flushSync());
  }
  return pino(options, destination);
}

/**
 * One JSON line per request (id, method, route template, status, duration, address, and
 * the principal the app named in an internal header, removed before it leaves), and the
 * HTTP metrics, recorded in the same prom-client registry the app's /metrics reads.
 */
export async function requestObservers() {
  const log = await makeLog("http", { isBatched: true });
  const { default: client } = await import("prom-client");
  // prom-client answers the primary's aggregation requests only once a worker has made an
  // AggregatorRegistry of its own (that is what installs its IPC listener).
  if (cluster.isWorker) new client.AggregatorRegistry();
  const requests = new client.Counter({ name: "certdoor_http_requests_total", help: "HTTP requests by route template, method and status", labelNames: ["route", "method", "status"] });
  const duration = new client.Histogram({
    name: "certdoor_http_request_duration_seconds",
    help: "HTTP request latency by route template and method",
    labelNames: ["route", "method"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  const observe = (req, res, requestId) => {
    const started = process.hrtime.bigint();
    let principal;
    const writeHead = res.writeHead;
    res.writeHead = function (...args) {
      principal = res.getHeader(PRINCIPAL_HEADER);
      res.removeHeader(PRINCIPAL_HEADER);
      // Next.js may pass the headers to writeHead itself: an object, or a flat [name, value, …] list.
      const headers = args.find((a, i) => i > 0 && a && typeof a === "object");
      if (Array.isArray(headers)) {
        const at = headers.findIndex((h, i) => i % 2 === 0 && String(h).toLowerCase() === PRINCIPAL_HEADER);
        if (at >= 0) principal = headers.splice(at, 2)[1];
      } else if (headers) {
        for (const name of Object.keys(headers)) {
          if (name.toLowerCase() !== PRINCIPAL_HEADER) continue;
          principal = headers[name];
          delete headers[name];
        }
      }
      return writeHead.apply(this, args);
    };
    res.once("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(req.url ?? "/");
      requests.inc({ route, method: req.method, status: String(res.statusCode) });
      duration.observe({ route, method: req.method }, seconds);
      if (route === "/_next/*") return; // static assets: counted, not logged
      const fields = { requestId, method: req.method, route, status: res.statusCode, durationMs: Math.round(seconds * 10_000) / 10, ip: req.headers[CLIENT_IP_HEADER] ?? null, principal: principal ? decodeURIComponent(String(principal)) : null };
      log.info(fields, `${req.method} ${route} ${res.statusCode}`);
    });
  };
  return { log, observe };
}

/**
 * Output that is not ours (Next.js's start-up line, a library's warning) becomes JSON lines
 * too when output is collected, so a log pipeline never meets a line it cannot parse. Our
 * own lines (pino) write to the file descriptor directly and pass untouched.
 */
export function jsonOnlyOutput() {
  if (process.stdout.isTTY) return;
  for (const [stream, level] of [[process.stdout, 30], [process.stderr, 50]]) {
    const write = stream.write.bind(stream);
    stream.write = (chunk, ...rest) => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      const lines = text.split("\n").map((line) => line.replace(/\x1b\[[0-9;]*m/g, "").trim()).filter(Boolean);
      const json = lines.map((line) => (line.startsWith("{") ? line : JSON.stringify({ level, time: new Date().toISOString(), pid: process.pid, component: "runtime", msg: line })));
      return write(json.length > 0 ? `${json.join("\n")}\n` : "", ...rest);
    };
  }
}

