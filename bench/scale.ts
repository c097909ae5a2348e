// The fleet benchmark (issue 9), one run against a running production build:
//   1. in this process: the raw P-256 CSR-verify + sign rate (the ceiling crypto sets),
//   2. wrk: token creations through the API for --create-seconds,
//   3. wrk: redemptions of those distinct tokens for --seconds,
// each with p50/p99, and redemptions as a share of the raw rate.
//
// Run: node --import tsx bench/scale.ts --server http://127.0.0.1:3300 --frontdoor ID --api-key cdk_… [--seconds 30] [--create-seconds 30] [--connections 32] [--threads 2]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createIntermediateCa, createRootCa } from "@/lib/pki/ca";
import { checkCsr } from "@/lib/pki/csr";
import { issueClientCertificate } from "@/lib/pki/issue";
import { makeIssuer } from "@/lib/pki/issuer";

const { values } = parseArgs({
  options: {
    server: { type: "string" },
    frontdoor: { type: "string" },
    "api-key": { type: "string" },
    seconds: { type: "string", default: "30" },
    "create-seconds": { type: "string", default: "30" },
    connections: { type: "string", default: "32" },
    threads: { type: "string", default: "2" },
    /** Only one step: "create" (keeps its token files in --dir) or "redeem" (uses them). */
    only: { type: "string" },
    dir: { type: "string" },
    /** Leave out step 1 (a warm-up run, bench/floor-ratio.sh). */
    "skip-raw": { type: "boolean", default: false },
  },
});
const { server, frontdoor } = values;
if (!server || !frontdoor || !values["api-key"]) throw new Error("usage: --server URL --frontdoor ID --api-key cdk_… [--seconds 30] [--create-seconds 30] [--connections 32]");
const out = values.dir ?? mkdtempSync(path.join(os.tmpdir(), "certdoor-scale-"));
const here = path.dirname(new URL(import.meta.url).pathname);

// 1. Crypto alone.
execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(out, "key.pem"), "-out", path.join(out, "req.csr"), "-subj", "/CN=scale"], { stdio: "ignore" });
const csrPem = readFileSync(path.join(out, "req.csr"), "utf8");
writeFileSync(path.join(out, "csr.json"), JSON.stringify({ type: "CSR", value: csrPem }));
const root = await createRootCa("scale");
const intermediate = await createIntermediateCa(root, { id: "00000000-0000-4000-8000-000000000009", name: "scale" });
const issuer = makeIssuer({ id: "scale", certificatePem: intermediate.certificatePem, signer: intermediate.signer, chainPem: "" });
const sign = () => {
  const csr = checkCsr(csrPem);
  return issueClientCertificate({ issuer, spkiDer: csr.spkiDer, isRsa: csr.isRsa, subject: { commonName: "scale.example.com", organization: null, organizationalUnit: null }, validDays: 30 });
};
const n = values["skip-raw"] ? 0 : 5000;
for (let i = 0; i < Math.min(n, 500); i++) await sign();
const t = performance.now();
for (let i = 0; i < n; i++) await sign();
const rawPerSecond = Math.round(n / ((performance.now() - t) / 1000));
if (n > 0) console.log(JSON.stringify({ metric: "raw-csr-verify-and-sign", perSecond: rawPerSecond }));

// 2 and 3. HTTP, with wrk.
function wrk(script: string, seconds: string, url: string) {
  const env = { ...process.env, KEY: values["api-key"]!, FD: frontdoor!, OUT: out };
  const text = execFileSync("wrk", ["-t", values.threads!, "-c", values.connections!, "-d", `${seconds}s`, "--timeout", "10s", "-s", path.join(here, "wrk", script), url], { env, encoding: "utf8" });
  const line = text.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`wrk printed no result:\n${text}`);
  return JSON.parse(line) as { ok: number; seconds: number; p50ms: number; p99ms: number } & Record<string, number>;
}

if (values.only !== "redeem") {
  const created = wrk("create-tokens.lua", values["create-seconds"]!, server);
  console.log(JSON.stringify({ metric: "token-creations", connections: Number(values.connections), ...created, perSecond: Math.round(created.ok / created.seconds), dir: out }));
}
if (values.only === "create") process.exit(0);
const redeemed = wrk("redeem-tokens.lua", values.seconds!, server);
const perSecond = Math.round(redeemed.ok / redeemed.seconds);
console.log(JSON.stringify({ metric: "redemptions", connections: Number(values.connections), ...redeemed, perSecond, shareOfRaw: +(perSecond / rawPerSecond).toFixed(3) }));
if ((redeemed.other ?? 0) > 0) console.log(JSON.stringify({ warning: `${redeemed.other} redemptions were neither 201 nor 409 (out of tokens? make --create-seconds longer)` }));
