// Server-side cost of one redemption's crypto: CSR check (parse + signature verify) and
// issuing (build + sign), without the database. Run: node --import tsx bench/issue-certificate.ts
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createIntermediateCa, createRootCa } from "@/lib/pki/ca";
import { checkCsr } from "@/lib/pki/csr";
import { issueClientCertificate } from "@/lib/pki/issue";
import { makeIssuer } from "@/lib/pki/issuer";

const root = await createRootCa("bench");
const intermediate = await createIntermediateCa(root, { id: "00000000-0000-4000-8000-000000000000", name: "bench" });
const issuer = makeIssuer({ id: "bench", certificatePem: intermediate.certificatePem, signer: intermediate.signer, chainPem: "" });

for (const [label, args] of [
  ["ec-p256", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]],
  ["rsa-2048", ["-newkey", "rsa:2048"]],
] as const) {
  execFileSync("openssl", ["req", "-new", ...args, "-nodes", "-keyout", "/tmp/bench.key", "-out", "/tmp/bench.csr", "-subj", "/CN=bench"], { stdio: "ignore" });
  const csrPem = readFileSync("/tmp/bench.csr", "utf8");
  const n = 2000;
  for (let i = 0; i < 200; i++) checkCsr(csrPem); // warm-up
  let t = performance.now();
  let checked = checkCsr(csrPem);
  for (let i = 0; i < n; i++) checked = checkCsr(csrPem);
  const checkMs = (performance.now() - t) / n;
  t = performance.now();
  for (let i = 0; i < n; i++) await issueClientCertificate({ issuer, spkiDer: checked.spkiDer, isRsa: checked.isRsa, subject: { commonName: "bench.example.com", organization: "Bench", organizationalUnit: null }, validDays: 365 });
  const issueMs = (performance.now() - t) / n;
  console.log(JSON.stringify({ key: label, csrCheckMs: +checkMs.toFixed(3), issueMs: +issueMs.toFixed(3), totalMs: +(checkMs + issueMs).toFixed(3) }));
}
