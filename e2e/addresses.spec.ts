import { networkInterfaces } from "node:os";
import { expect, type Page, test } from "./support/test";
import { e2eAdmin } from "../playwright.config";
import { startInstance } from "./support/server";
import { defaultFrontdoorId } from "./support/tokens";

// The console at whatever address it is opened by: sign-in and every redirect stay on it,
// and links made there carry it, unless PUBLIC_URL names the address links must carry.

/** The machine's own first non-loopback IPv4 address, if it has one. */
const ownAddress = () =>
  Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal)?.address;

async function signInAt(page: Page, origin: string) {
  await page.goto(`${origin}/tokens`);
  await expect(page).toHaveURL(`${origin}/login`); // the redirect kept the address
  await page.getByLabel("Email").fill(e2eAdmin.email);
  await page.getByLabel("Password").fill(e2eAdmin.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page).toHaveURL(`${origin}/`);
}

async function createTokenAt(page: Page, origin: string): Promise<string> {
  await page.goto(`${origin}/tokens/new?frontdoor=${await defaultFrontdoorId()}`);
  await page.getByLabel("Name", { exact: true }).fill(`made at ${origin}`);
  await page.getByRole("button", { name: "Create token" }).click();
  return (await page.getByTestId("redemption-link").textContent())!;
}

for (const host of ["127.0.0.1", "own address"] as const) {
  test(`signed in at ${host}, the console works there and its links carry that address`, async ({ page, baseURL }) => {
    const address = host === "own address" ? ownAddress() : host;
    test.skip(!address, "this machine has no non-loopback IPv4 address");
    const origin = `http://${address}:${new URL(baseURL!).port}`;
    await signInAt(page, origin);
    expect(await createTokenAt(page, origin)).toMatch(new RegExp(`^${origin.replace(/\./g, "\\.")}/redeem#`));
    if (host === "127.0.0.1") await expect(page.getByTestId("public-url-notice")).toContainText("which only this machine can open");
    else await expect(page.getByTestId("public-url-notice")).toHaveCount(0);
    // Sign-out returns to this address's sign-in page too.
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(new RegExp(`^${origin.replace(/\./g, "\\.")}/login`));
  });
}

test("with PUBLIC_URL set, links carry it wherever the console is opened, and the console says so", async ({ page }) => {
  const instance = await startInstance(3290, { env: { PUBLIC_URL: "https://certs.example.com" } });
  try {
    await signInAt(page, instance.url);
    expect(await createTokenAt(page, instance.url)).toMatch(/^https:\/\/certs\.example\.com\/redeem#/);
    await expect(page.getByTestId("public-url-notice")).toContainText("Links made here carry PUBLIC_URL, https://certs.example.com, not the address you are using (http://127.0.0.1:3290)");
    // Served for https: browsers are told never to come back over plain HTTP.
    expect((await fetch(`${instance.url}/login`)).headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
  } finally {
    await instance.stop();
  }
});
