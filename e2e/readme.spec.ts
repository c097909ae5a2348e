import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { e2eAdmin, e2eDataDir } from "../playwright.config";
import { signIn } from "./support/auth";
import { expect, test } from "./support/test";
import { defaultFrontdoorId, makeToken } from "./support/tokens";

// The README followed block by block (issue 15, "Done when"): every ```bash block marked
// <!-- runnable: … --> runs, in order, in one bash session, in an empty folder outside the
// checkout, against the server under test. Two stand-ins, both stated here: the README's
// http://localhost:3000 becomes this server's address, and `npx certdoor` runs the checkout's
// bin/certdoor.mjs inside the checkout, as the README has it run in the clone (the session's
// own folder is elsewhere, so the files the blocks write land there). And the SHA-256 the console shows
// beside a new token is the one of the file the server hands out.

const root = path.resolve(import.meta.dirname, "..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");

const runnableBlocks = (markdown: string) => [...markdown.matchAll(/^<!-- runnable:[^>]*-->\n```bash\n([\s\S]*?)\n```$/gm)].map((m) => m[1]!);

test("the README's runnable bash blocks work as written against a started server", async ({ baseURL }) => {
  const blocks = runnableBlocks(readme);
  expect(blocks).toHaveLength(3);
  const script = [
    "set -euo pipefail",
    `npx() { if [ "$1" = certdoor ]; then shift; (cd ${JSON.stringify(root)} && node --conditions=react-server bin/certdoor.mjs "$@"); else command npx "$@"; fi; }`,
    // A line break after each block: curl's JSON ends without one.
    ...blocks.map((block, i) => `echo "--- README block ${i + 1}" >&2\n${block.replaceAll("http://localhost:3000", baseURL!)}\necho`),
  ].join("\n");
  const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-readme-"));
  const run = spawnSync("bash", ["-c", script], { cwd: dir, env: { ...process.env, CERTDOOR_DATA_DIR: e2eDataDir }, encoding: "utf8", timeout: 240_000 });
  expect(run.status, `${run.stderr}\n${run.stdout}`).toBe(0);
  expect(run.stdout).toMatch(/"token":\s*"crt_[0-9A-Za-z]+"/); // the REST API block's answer
  expect(run.stdout).toMatch(/^cert\.pem: OK$/m); // the three steps
  expect(run.stdout).toMatch(/^mtls\/cert\.pem: OK$/m); // certdoor-redeem.mjs
  const served = readFileSync(path.join(dir, "certdoor-redeem.mjs"));
  expect(run.stdout).toContain(`${createHash("sha256").update(served).digest("hex")}  certdoor-redeem.mjs`);
});

test("the once-shown panel and the token page give the redeem tool's commands with the SHA-256 of the file served", async ({ page, request }) => {
  const served = await request.get("/tools/certdoor-redeem.mjs");
  expect(served.status()).toBe(200);
  const sha256 = createHash("sha256").update(await served.body()).digest("hex");
  expect(served.headers().etag).toBe(`"${sha256}"`);

  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.goto(`/tokens/new?frontdoor=${await defaultFrontdoorId()}`);
  await page.getByLabel("Name", { exact: true }).fill(`Tool ${Date.now()}`);
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByRole("heading", { name: "Token created" })).toBeVisible();
  await expect(page.getByTestId("redeem-tool-sha256")).toHaveText(sha256);
  const secret = (await page.getByTestId("token-secret").textContent())!.trim();
  await expect(page.getByTestId("redeem-tool")).toContainText(`--token ${secret}`);
  await expect(page.getByTestId("redeem-tool")).toContainText(`echo "${sha256}  certdoor-redeem.mjs" | sha256sum -c -`);

  // The token's own page shows the same, with the secret left out (it is not stored).
  const token = await makeToken({ name: `Tool page ${Date.now()}` });
  await page.goto(`/tokens/${token.id}`);
  await expect(page.getByTestId("redeem-tool-sha256")).toHaveText(sha256);
  await expect(page.getByTestId("redeem-tool")).toContainText("--token crt_…");
});
