// What serving costs with no work behind it (issue 24): bin/server.mjs's per-request steps
// (client address, request id, the request line and metrics of bin/observe.mjs) and the lean
// path (bin/lean-doors.mjs: compression middleware, next.config's headers, the web Request
// and Response) around a stub door that reads its JSON body and answers a 3 KB JSON body,
// against plain node:http doing the same read and answer. Prints the CPU per request of each
// (wrk, 8 connections, 10 s each).
// Run from the project root after `npx next build`: node bench/serving-stub.mjs
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";

const root = process.cwd();
const mode = process.argv[2];
const canned = JSON.stringify({ id: "cert-0", certificate: "x".repeat(1100), caCertificates: ["y".repeat(800), "z".repeat(800)], notAfter: new Date().toISOString() });

if (mode === "bare" || mode === "lean") {
  process.on("SIGINT", () => process.exit(0)); // --cpu-prof writes its profile at exit
  const port = Number(process.argv[3]);
  if (mode === "bare") {
    http.createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        JSON.parse(body);
        res.writeHead(201, { "content-type": "application/json" });
        res.end(canned);
      });
    }).listen(port, "127.0.0.1");
  } else {
    const { leanDoorOf, leanDoorServer } = await import("../bin/lean-doors.mjs");
    const { requestObservers } = await import("../bin/observe.mjs");
    const { clientIp } = await import("../bin/client-ip.mjs");
    const { randomUUID } = await import("node:crypto");
    const manifest = JSON.parse(readFileSync(path.join(root, ".next", "routes-manifest.json"), "utf8"));
    const stub = async (request) => {
      // As lib/http/body.ts reads a hot door's body: the bytes the lean path handed over.
      JSON.parse(Buffer.from(request[Symbol.for("certdoor.leanBody")] ?? (await request.arrayBuffer())).toString("utf8"));
      return Response.json(JSON.parse(canned), { status: 201, headers: { "Cache-Control": "no-store" } });
    };
    const lean = leanDoorServer({ handlers: new Map([["/frontdoor/[frontdoorId]/client-certificates/token", stub]]), headerRules: manifest.headers ?? [] });
    const { observe } = await requestObservers();
    http.createServer((req, res) => {
      req.headers["x-certdoor-client-ip"] = clientIp(req.headers["x-forwarded-for"], req.socket.remoteAddress, 0);
      const requestId = randomUUID();
      res.setHeader("X-Request-Id", requestId);
      observe(req, res, requestId);
      const door = leanDoorOf(req);
      if (!door || !lean.serve(req, res, door)) { res.statusCode = 599; res.end(); }
    }).listen(port, "127.0.0.1");
  }
} else {
  const body = JSON.stringify({ type: "CSR", value: "-----BEGIN CERTIFICATE REQUEST-----\n" + "A".repeat(600) + "\n-----END CERTIFICATE REQUEST-----\n" });
  const lua = path.join("/tmp", "serving-stub.lua");
  const script = `wrk.method = "POST"\nwrk.body = [[${body}]]\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer crt_0123456789abcdefghijklmnopqrstuv"\n`;
  (await import("node:fs")).writeFileSync(lua, script);
  for (const [name, port] of [["bare", 4061], ["lean", 4062]]) {
    const child = spawn(process.execPath, [new URL(import.meta.url).pathname, name, String(port)], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, LOG_LEVEL: "info" } });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const url = `http://127.0.0.1:${port}/frontdoor/00000000-0000-4000-8000-000000000001/client-certificates/token`;
    execFileSync("wrk", ["-t1", "-c8", "-d3s", "-s", lua, url], { stdio: "ignore" });
    const ticks = () => readFileSync(`/proc/${child.pid}/stat`, "utf8").replace(/.*\) /, "").split(" ").slice(11, 13).reduce((a, b) => a + Number(b), 0);
    const before = ticks();
    const out = execFileSync("wrk", ["-t1", "-c8", "-d10s", "-s", lua, url], { encoding: "utf8" });
    const cpuMs = ((ticks() - before) * 1000) / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
    const requests = Number(/(\d+) requests in/.exec(out)[1]);
    console.log(JSON.stringify({ server: name, requests, cpuPerRequestMs: +(cpuMs / requests).toFixed(3) }));
    child.kill();
  }
}
