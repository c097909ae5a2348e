#!/usr/bin/env node
// Measures the redemption page in headless Chromium against a running Certdoor:
//   - key + CSR generation alone (the page's own performance.measure "certdoor:key-and-csr")
//   - click on "Generate key and get certificate" until the certificate is shown
//   - the page's first-load JavaScript (bytes on the wire and decoded)
//   - building an encrypted key.pem and client.p12 (both modes), click to download
// for ECDSA P-256 and RSA-2048. It creates its own tokens through the API.
//
// Usage: node bench/redeem-page.mjs --server http://localhost:3000 --frontdoor ID --api-key cdk_… [--runs 10]
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";

const { values } = parseArgs({ options: { server: { type: "string" }, frontdoor: { type: "string" }, "api-key": { type: "string" }, runs: { type: "string", default: "10" } } });
const { server, frontdoor } = values;
const apiKey = values["api-key"];
if (!server || !frontdoor || !apiKey) throw new Error("usage: --server URL --frontdoor ID --api-key cdk_… [--runs N]");
const runs = Number(values.runs);

async function newLink() {
  const response = await fetch(`${server}/frontdoor/${frontdoor}/certificate-request-tokens`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "bench", commonName: "bench.example.com" }),
  });
  if (response.status !== 201) throw new Error(`token: ${response.status} ${await response.text()}`);
  return (await response.json()).redemptionUrl.replace(/^https?:\/\/[^/]+/, server);
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p90: q(0.9), min: s[0], max: s[s.length - 1] };
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});

// First-load JavaScript: everything of type script fetched until the page is idle.
{
  const page = await browser.newPage();
  const scripts = [];
  page.on("response", async (r) => {
    if (r.request().resourceType() === "script") {
      const body = await r.body().catch(() => Buffer.alloc(0));
      const sizes = await r.request().sizes();
      scripts.push({ url: r.url(), decoded: body.length, wire: sizes.responseBodySize });
    }
  });
  await page.goto(await newLink(), { waitUntil: "networkidle" });
  const decoded = scripts.reduce((n, s) => n + s.decoded, 0);
  const wire = scripts.reduce((n, s) => n + s.wire, 0);
  console.log(JSON.stringify({ metric: "first-load-js", files: scripts.length, decodedKiB: +(decoded / 1024).toFixed(1), wireKiB: +(wire / 1024).toFixed(1) }));
  await page.close();
}

for (const [label, option] of [["ec-p256", null], ["rsa-2048", /RSA 2048/]]) {
  const click = [];
  const keygen = [];
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage();
    await page.goto(await newLink());
    if (option) await page.getByLabel(option).check();
    const button = page.getByRole("button", { name: "Generate key and get certificate" });
    await button.waitFor();
    const start = Date.now();
    await button.click();
    await page.getByText("is ready").waitFor({ timeout: 60_000 });
    click.push(Date.now() - start);
    keygen.push(await page.evaluate(() => performance.getEntriesByName("certdoor:key-and-csr")[0]?.duration ?? NaN));
    await page.close();
  }
  console.log(JSON.stringify({ metric: "click-to-certificate-ms", key: label, runs, ...stats(click) }));
  console.log(JSON.stringify({ metric: "key-and-csr-ms", key: label, runs, ...Object.fromEntries(Object.entries(stats(keygen)).map(([k, v]) => [k, +v.toFixed(1)])) }));
}
// Building the password-protected files in the browser: key.pem (600,000 PBKDF2-SHA-256
// iterations on WebCrypto) and client.p12 in both modes, click to download.
{
  const page = await browser.newPage();
  await page.goto(await newLink());
  await page.getByRole("button", { name: "Generate key and get certificate" }).click();
  await page.getByText("is ready").waitFor({ timeout: 60_000 });
  const timeDownload = async (button) => {
    const start = Date.now();
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), page.getByRole("button", { name: button }).click()]);
    await download.path();
    return Date.now() - start;
  };
  const buildRuns = Math.min(runs, 5);
  await page.getByLabel("Passphrase for key.pem (optional)").fill("bench passphrase");
  const keyPem = [];
  for (let i = 0; i < buildRuns; i++) keyPem.push(await timeDownload("Download key.pem"));
  console.log(JSON.stringify({ metric: "build-ms", file: "key.pem (encrypted)", runs: buildRuns, ...stats(keyPem) }));
  await page.getByLabel("Password for client.p12").fill("bench p12 password");
  for (const mode of ["modern", "compatible"]) {
    await page.getByLabel("Format").selectOption(mode);
    const p12 = [];
    for (let i = 0; i < buildRuns; i++) p12.push(await timeDownload("Download client.p12"));
    console.log(JSON.stringify({ metric: "build-ms", file: `client.p12 ${mode}`, runs: buildRuns, ...stats(p12) }));
  }
  await page.close();
}
await browser.close();
