import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, expect, type Page, type Request, test } from "./support/test";
import { db } from "./support/db";
import { defaultFrontdoorId, linkPath, makeToken } from "./support/tokens";

const openssl = (args: string[], input?: string) => execFileSync("openssl", args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });

async function download(page: Page, button: string, dir: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: button }).click()]);
  const target = path.join(dir, file.suggestedFilename());
  await file.saveAs(target);
  return target;
}

function verifyChain(dir: string, certFile: string, caFile: string): string {
  const chain = readFileSync(caFile, "utf8");
  const end = chain.indexOf("-----END CERTIFICATE-----") + 26;
  writeFileSync(path.join(dir, "intermediate.pem"), chain.slice(0, end));
  writeFileSync(path.join(dir, "root.pem"), chain.slice(end));
  return openssl(["verify", "-CAfile", path.join(dir, "root.pem"), "-untrusted", path.join(dir, "intermediate.pem"), "-purpose", "sslclient", certFile]);
}

const pubkeyOf = (args: string[]) => openssl([...args, "-pubout"]);

test.describe("the redemption link", () => {
  test("EC P-256: one click gives files that openssl accepts; the key never leaves the browser and the token never enters a URL", async ({ page }) => {
    const token = await makeToken({ name: "Alice laptop", commonName: "alice@example.com", organization: "Example Corp" });
    const requests: Request[] = [];
    page.on("request", (r) => requests.push(r));

    await page.goto(linkPath(token));
    await expect(page.getByTestId("frontdoor-name")).toHaveText("default");
    const subject = page.getByTestId("subject");
    await expect(subject).toContainText("alice@example.com");
    await expect(subject).toContainText("Example Corp");
    await expect(subject.getByText("from your request")).toBeVisible();
    await expect(page.getByTestId("countdown")).toHaveText(/^in 23h 59m/);
    await expect(page).toHaveURL(/\/redeem$/); // the secret left the address bar

    await page.getByRole("button", { name: "Generate key and get certificate" }).click();
    await expect(page.getByTestId("issued-cn")).toHaveText("alice@example.com");
    await expect(page.getByTestId("progress")).toContainText("✓ Done");

    const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-page-"));
    const cert = await download(page, "Download cert.pem", dir);
    const ca = await download(page, "Download ca.pem", dir);
    const key = await download(page, "Download key.pem", dir);
    expect(verifyChain(dir, cert, ca)).toContain("OK");
    expect(pubkeyOf(["pkey", "-in", key])).toBe(openssl(["x509", "-in", cert, "-noout", "-pubkey"]));
    expect(readFileSync(key, "utf8")).toContain("-----BEGIN PRIVATE KEY-----");

    for (const mode of ["modern", "compatible"] as const) {
      await page.getByLabel("Password for client.p12").fill(`p12 pass ${mode}`);
      await page.getByLabel("Format").selectOption(mode);
      const p12 = await download(page, "Download client.p12", dir);
      const info = execFileSync("sh", ["-c", `openssl pkcs12 -info -noout -in '${p12}' -passin 'pass:p12 pass ${mode}' 2>&1`], { encoding: "utf8" });
      expect(info).toContain(mode === "modern" ? "MAC: sha256" : "MAC: sha1");
      const fromP12 = openssl(["pkcs12", "-in", p12, "-passin", `pass:p12 pass ${mode}`, "-nocerts", "-nodes"]);
      expect(openssl(["pkey", "-pubout"], fromP12)).toBe(pubkeyOf(["pkey", "-in", key]));
    }

    const stored = await (await db()).certificateRequestToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(stored.redeemedAt).not.toBeNull();

    const keyBody = readFileSync(key, "utf8").replace(/-----[A-Z ]+-----|\s/g, "");
    for (const request of requests) {
      const body = request.postData() ?? "";
      expect(body).not.toContain("PRIVATE KEY");
      expect(body).not.toContain(keyBody.slice(40, 100));
      expect(request.url()).not.toContain(token.token.slice(4));
    }
    const posts = requests.filter((r) => r.method() === "POST").map((r) => new URL(r.url()).pathname);
    expect(posts).toEqual(["/api/redeem/preview", `/frontdoor/${await defaultFrontdoorId()}/client-certificates/token`]);
  });

  test("RSA 2048, and a key.pem encrypted with a passphrase", async ({ page }) => {
    const token = await makeToken({ commonName: "rsa-user" });
    await page.goto(linkPath(token));
    await page.getByLabel(/RSA 2048/).check();
    await page.getByRole("button", { name: "Generate key and get certificate" }).click();
    await expect(page.getByTestId("issued-cn")).toHaveText("rsa-user", { timeout: 30_000 });
    const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-page-"));
    const cert = await download(page, "Download cert.pem", dir);
    expect(openssl(["x509", "-in", cert, "-noout", "-text"])).toContain("Public-Key: (2048 bit)");
    await page.getByLabel("Passphrase for key.pem (optional)").fill("key passphrase");
    const key = await download(page, "Download key.pem", dir);
    expect(readFileSync(key, "utf8")).toContain("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    expect(openssl(["pkey", "-in", key, "-passin", "pass:key passphrase", "-pubout"])).toBe(openssl(["x509", "-in", cert, "-noout", "-pubkey"]));
    expect(() => openssl(["pkey", "-in", key, "-passin", "pass:wrong", "-pubout"])).toThrow();
  });

  test("a pasted CSR: only the certificate and the chain are offered", async ({ page }) => {
    const token = await makeToken({ commonName: null as unknown as string });
    const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-page-"));
    openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${dir}/own.key`, "-out", `${dir}/own.csr`, "-subj", "/CN=my-own-csr"]);
    await page.goto(linkPath(token));
    await page.getByLabel("I have a certificate request (CSR)").check();
    await page.getByLabel("Certificate request (PEM)").fill(readFileSync(`${dir}/own.csr`, "utf8"));
    await page.getByRole("button", { name: "Submit request" }).click();
    await expect(page.getByTestId("issued-cn")).toHaveText("my-own-csr");
    await expect(page.getByRole("button", { name: "Download key.pem" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Download client.p12" })).toHaveCount(0);
    const cert = await download(page, "Download cert.pem", dir);
    expect(openssl(["x509", "-in", cert, "-noout", "-pubkey"])).toBe(pubkeyOf(["pkey", "-in", `${dir}/own.key`]));
  });

  test("a double click issues one certificate", async ({ page }) => {
    const token = await makeToken({ commonName: "double" });
    let redemptions = 0;
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().endsWith("/client-certificates/token")) redemptions += 1;
    });
    await page.goto(linkPath(token));
    await page.getByRole("button", { name: "Generate key and get certificate" }).dblclick();
    await expect(page.getByTestId("issued-cn")).toHaveText("double");
    expect(redemptions).toBe(1);
    expect(await (await db()).clientCertificate.count({ where: { token: { id: token.id } } })).toBe(1);
    await expect(page.getByTestId("redeem-error")).toHaveCount(0);
  });

  test("warns before leaving while the key is unsaved", async ({ page }) => {
    const token = await makeToken({ commonName: "leaver" });
    await page.goto(linkPath(token));
    await page.getByRole("button", { name: "Generate key and get certificate" }).click();
    await expect(page.getByTestId("issued-cn")).toHaveText("leaver");
    const dialog = page.waitForEvent("dialog");
    await page.close({ runBeforeUnload: true });
    expect((await dialog).type()).toBe("beforeunload");
  });

  test("without a fragment, the link can be pasted", async ({ page }) => {
    const token = await makeToken({ commonName: "pasted" });
    const response = await page.goto("/redeem");
    expect(response?.headers()["referrer-policy"]).toBe("no-referrer");
    expect(response?.headers()["x-robots-tag"]).toBe("noindex, nofollow");
    await expect(page.locator('meta[name="robots"]')).toHaveAttribute("content", "noindex, nofollow");
    await page.getByLabel("Redemption link").fill(token.redemptionUrl);
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByTestId("subject")).toContainText("pasted");
  });
});

test("on plain HTTP away from localhost, the page explains that the browser refuses key generation", async ({ baseURL }) => {
  const port = new URL(baseURL!).port;
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-quic", "--host-resolver-rules=MAP certdoor.test 127.0.0.1"],
  });
  try {
    const page = await browser.newPage();
    const token = await makeToken({ commonName: "insecure" });
    await page.goto(`http://certdoor.test:${port}${linkPath(token)}`);
    await expect(page.getByText("Your browser only generates keys on secure pages")).toBeVisible();
    await expect(page.getByRole("button", { name: "Generate key and get certificate" })).toHaveCount(0);
    await expect(page.getByLabel("Certificate request (PEM)")).toBeVisible();
  } finally {
    await browser.close();
  }
});

test.describe("tokens that cannot be redeemed", () => {
  /** A fresh load, as when a link is opened again (a hash-only change would not reload). */
  async function open(page: Page, url: string) {
    await page.goto("about:blank");
    await page.goto(url);
  }

  async function expectBlocked(page: Page, url: string, code: string, text: RegExp) {
    await open(page, url);
    const error = page.getByTestId("redeem-error");
    await expect(error).toHaveAttribute("data-code", code);
    await expect(error).toHaveText(text);
    await expect(page.getByRole("button", { name: "Generate key and get certificate" })).toHaveCount(0);
  }

  test("unknown, expired, used (also when the link is opened again), revoked, TCP shares disabled", async ({ page }) => {
    const { updateToken, revokeToken } = await import("@/lib/domain/tokens");
    const { updateFrontdoor, createFrontdoor } = await import("@/lib/domain/frontdoors");
    const { systemPrincipal } = await import("@/lib/domain/access/principal");
    const system = systemPrincipal("e2e");
    const frontdoorId = await defaultFrontdoorId();

    await expectBlocked(page, `/redeem#${frontdoorId}.crt_doesnotexistdoesnotexist0000`, "token_not_found", /typing mistakes/);

    const expired = await makeToken();
    await updateToken(system, frontdoorId, expired.id, { expiresAt: new Date().toISOString() });
    await expectBlocked(page, linkPath(expired), "token_expired", /expired\. Ask the administrator/);

    const used = await makeToken({ commonName: "used" });
    page.on("dialog", (dialog) => void dialog.accept()); // leave without saving the key
    await open(page, linkPath(used));
    await page.getByRole("button", { name: "Generate key and get certificate" }).click();
    await expect(page.getByTestId("issued-cn")).toHaveText("used");
    await expectBlocked(page, linkPath(used), "token_already_used", /used already/);

    const revoked = await makeToken();
    await revokeToken(system, frontdoorId, revoked.id);
    await expectBlocked(page, linkPath(revoked), "token_revoked", /withdrawn by an administrator/);

    const closed = await createFrontdoor(system, { name: `closed-${Date.now()}` });
    const onClosed = await makeToken({}, closed.id);
    await updateFrontdoor(system, closed.id, { tcpSharesEnabled: false });
    await expectBlocked(page, linkPath(onClosed), "tcp_shares_disabled", /must enable TCP shares/);

    // Looking did not consume anything.
    const untouched = await (await db()).certificateRequestToken.findUniqueOrThrow({ where: { id: onClosed.id } });
    expect(untouched.redeemedAt).toBeNull();
  });
});
