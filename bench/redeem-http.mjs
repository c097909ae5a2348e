#!/usr/bin/env node
// Redemptions per second and their latency over HTTP against a running Certdoor (CSR
// check, signing, the claiming transaction with its audit events, the response).
// It creates its tokens through the API first; the CSR is one openssl-made P-256 request.
//
// Usage: node bench/redeem-http.mjs --server http://localhost:3000 --frontdoor ID --api-key cdk_… [--tokens 500] [--concurrency 16]
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { server: { type: "string" }, frontdoor: { type: "string" }, "api-key": { type: "string" }, tokens: { type: "string", default: "500" }, concurrency: { type: "string", default: "16" } } });
const { server, frontdoor } = values;
if (!server || !frontdoor || !values["api-key"]) throw new Error("usage: --server URL --frontdoor ID --api-key cdk_… [--tokens N] [--concurrency C]");
const total = Number(values.tokens);
const concurrency = Number(values.concurrency);

execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/tmp/bench-redeem.key", "-out", "/tmp/bench-redeem.csr", "-subj", "/CN=bench"], { stdio: "ignore" });
const body = JSON.stringify({ type: "CSR", value: readFileSync("/tmp/bench-redeem.csr", "utf8") });

async function pool(items, worker) {
  const results = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await worker(items[i]);
    }
  }));
  return results;
}

const tokens = await pool(Array.from({ length: total }, (_, i) => i), async (i) => {
  const r = await fetch(`${server}/frontdoor/${frontdoor}/certificate-request-tokens`, {
    method: "POST",
    headers: { Authorization: `Bearer ${values["api-key"]}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: `bench ${i}`, commonName: "bench.example.com" }),
  });
  if (r.status !== 201) throw new Error(`create: ${r.status}`);
  return (await r.json()).token;
});

const started = performance.now();
const latencies = await pool(tokens, async (token) => {
  const t = performance.now();
  const r = await fetch(`${server}/frontdoor/${frontdoor}/client-certificates/token`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body,
  });
  if (r.status !== 201) throw new Error(`redeem: ${r.status} ${await r.text()}`);
  await r.arrayBuffer();
  return performance.now() - t;
});
const seconds = (performance.now() - started) / 1000;
const sorted = latencies.sort((a, b) => a - b);
const q = (p) => +sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1);
console.log(JSON.stringify({ metric: "redeem-over-http", tokens: total, concurrency, perSecond: +(total / seconds).toFixed(0), p50ms: q(0.5), p90ms: q(0.9), p99ms: q(0.99) }));
