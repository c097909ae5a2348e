// Batch token creation (issue 11): 1,000 tokens in one request, JSON and CSV, against a
// running production build, timed from the client (request sent → 201 read), with
// recipients unset so the time is the batch itself, not a mail server's.
//
// Run: node --import tsx bench/batch.ts --server http://127.0.0.1:3300 --frontdoor ID --api-key cdk_… [--runs 5] [--size 1000]
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { server: { type: "string" }, frontdoor: { type: "string" }, "api-key": { type: "string" }, runs: { type: "string", default: "5" }, size: { type: "string", default: "1000" } },
});
const { server, frontdoor } = values;
if (!server || !frontdoor || !values["api-key"]) throw new Error("usage: --server URL --frontdoor ID --api-key cdk_… [--runs 5] [--size 1000]");
const runs = Number(values.runs);
const size = Number(values.size);
const url = `${server}/frontdoor/${frontdoor}/certificate-request-tokens/batch`;

const rows = (run: number) => Array.from({ length: size }, (_, i) => ({ name: `bench ${run}-${i}`, commonName: `device-${run}-${i}.example.com`, organization: "Example Corp", organizationalUnit: "Fleet", validDays: 30 }));
const bodies = {
  json: (run: number) => ({ type: "application/json", body: JSON.stringify({ tokens: rows(run) }) }),
  csv: (run: number) => ({
    type: "text/csv",
    body: "name,commonName,organization,organizationalUnit,validDays\n" + rows(run).map((r) => `${r.name},${r.commonName},${r.organization},${r.organizationalUnit},${r.validDays}`).join("\n"),
  }),
};

for (const [format, make] of Object.entries(bodies)) {
  const ms: number[] = [];
  for (let run = 0; run < runs + 1; run++) {
    const { type, body } = make(Date.now() + run);
    const t = performance.now();
    const res = await fetch(url, { method: "POST", headers: { Authorization: `Bearer ${values["api-key"]}`, "Content-Type": type }, body });
    const json = (await res.json()) as { tokens?: unknown[]; detail?: string };
    if (res.status !== 201 || json.tokens?.length !== size) throw new Error(`HTTP ${res.status}: ${json.detail ?? "wrong count"}`);
    if (run > 0) ms.push(performance.now() - t); // the first run warms the route
  }
  ms.sort((a, b) => a - b);
  console.log(JSON.stringify({ format, tokens: size, runs, medianMs: Math.round(ms[Math.floor(runs / 2)]!), maxMs: Math.round(ms.at(-1)!) }));
}
