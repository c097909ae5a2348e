import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { expect, type Page, test } from "./support/test";
import { e2eAdmin } from "../playwright.config";
import { signIn } from "./support/auth";
import { createTestUser, db } from "./support/db";
import { expectAccessible, screenshot } from "./support/pages";
import { defaultFrontdoorId, makeToken } from "./support/tokens";

// The console as administrators, operators and auditors use it.

async function system() {
  await db();
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  return systemPrincipal("e2e");
}

async function newFrontdoor(name: string) {
  const { createFrontdoor } = await import("@/lib/domain/frontdoors");
  return createFrontdoor(await system(), { name: `${name}-${Date.now()}` });
}

const row = (page: Page, tokenId: string) => page.getByTestId(`token-row-${tokenId}`);

test("admin journey: create a token in the form, redeem its link elsewhere, watch it turn redeemed, follow it to its certificate", async ({ page, browser }, testInfo) => {
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.goto(`/tokens/new?frontdoor=${await defaultFrontdoorId()}`);
  const name = `Journey ${Date.now()}`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Common name (CN)").fill("journey.example.com");
  await page.getByLabel("Organization (O)").fill("Example Corp");
  await page.getByLabel("Token expires in").selectOption("7d");
  await page.getByRole("button", { name: "Create token" }).click();

  await expect(page.getByRole("heading", { name: "Token created" })).toBeVisible();
  await expect(page.getByText("This is the only time it is shown")).toBeVisible();
  await expect(page.getByRole("img", { name: "QR code of the redemption link" })).toBeVisible();
  await screenshot(page, testInfo, "token-created");
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy link" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(/\/redeem#[0-9a-f-]{36}\.crt_[0-9A-Za-z]{32}$/);
  expect(link).toBe((await page.getByTestId("redemption-link").textContent())!.trim());
  await page.getByRole("button", { name: /close/ }).click();
  await expect(page).toHaveURL(/\/tokens\?frontdoor=/);
  await expect(page.getByTestId("token-secret")).toHaveCount(0);

  const token = await (await db()).certificateRequestToken.findFirstOrThrow({ where: { name } });
  expect(token.expiresAt.getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
  await page.getByLabel("Search").fill(name);
  await expect(row(page, token.id).getByTestId("token-status")).toHaveText("active");

  const holder = await browser.newContext();
  const holderPage = await holder.newPage();
  await holderPage.goto(link);
  await holderPage.getByRole("button", { name: "Generate key and get certificate" }).click();
  await expect(holderPage.getByTestId("issued-cn")).toHaveText("journey.example.com");
  await holder.close();

  // No reload: the table refreshes itself.
  await expect(row(page, token.id).getByTestId("token-status")).toHaveText("redeemed", { timeout: 15_000 });
  const redeemed = await (await db()).certificateRequestToken.findUniqueOrThrow({ where: { id: token.id } });

  await page.goto(`/certificates?frontdoor=${token.frontdoorId}`);
  const certRow = page.getByTestId(`certificate-row-${redeemed.clientCertificateId}`);
  await expect(certRow).toContainText("journey.example.com");
  await screenshot(page, testInfo, "certificates");
  await certRow.getByRole("link", { name: "journey.example.com" }).click();
  await expect(page.getByTestId("certificate-status")).toHaveText("valid");
  await page.getByRole("link", { name }).click();
  await expect(page).toHaveURL(new RegExp(`/tokens/${token.id}$`));
  await expect(page.getByTestId("token-status")).toHaveText("redeemed");
  await expect(page.getByTestId("timeline-event").filter({ hasText: "Redeemed" })).toContainText("by the token holder");
  await screenshot(page, testInfo, "token-detail");
});

test("revoke, expire now, extend, bulk revoke, purge with a preview, and CSV export of the filter", async ({ page }, testInfo) => {
  const frontdoor = await newFrontdoor("ops");
  const tag = `ops-${Date.now()}`;
  const [a, b, c, d, e] = await Promise.all(["a", "b", "c", "d", "e"].map((n) => makeToken({ name: `${tag} ${n}`, commonName: `${n}.example.com` }, frontdoor.id)));
  const old = await Promise.all(["x", "y"].map((n) => makeToken({ name: `${tag} old ${n}` }, frontdoor.id)));
  await (await db()).certificateRequestToken.updateMany({ where: { id: { in: old.map((t) => t.id) } }, data: { expiresAt: new Date(Date.now() - 10 * 86_400_000) } });

  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.goto(`/tokens?frontdoor=${frontdoor.id}`);
  await expect(row(page, a!.id)).toBeVisible();
  await screenshot(page, testInfo, "tokens");

  await row(page, a!.id).getByRole("button", { name: `Revoke ${a!.name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
  await expect(row(page, a!.id).getByTestId("token-status")).toHaveText("revoked");

  await row(page, b!.id).getByRole("button", { name: `Expire now: ${b!.name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Expire now" }).click();
  await expect(row(page, b!.id).getByTestId("token-status")).toHaveText("expired");

  const before = (await (await db()).certificateRequestToken.findUniqueOrThrow({ where: { id: c!.id } })).expiresAt;
  await row(page, c!.id).getByRole("button", { name: `Extend ${c!.name} by 24 hours` }).click();
  await expect.poll(async () => (await (await db()).certificateRequestToken.findUniqueOrThrow({ where: { id: c!.id } })).expiresAt.getTime()).toBeGreaterThan(before.getTime());

  await row(page, d!.id).getByRole("checkbox").check();
  await row(page, e!.id).getByRole("checkbox").check();
  await page.getByRole("button", { name: "Revoke selected (2)" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect(row(page, d!.id).getByTestId("token-status")).toHaveText("revoked");
  await expect(row(page, e!.id).getByTestId("token-status")).toHaveText("revoked");

  await page.getByRole("button", { name: "Purge expired" }).click();
  await expect(page.getByTestId("purge-preview")).toHaveText(/^2 tokens expired or revoked more than P7D ago would be deleted\./);
  await page.getByRole("dialog").getByRole("button", { name: "Purge" }).click();
  await expect(row(page, old[0]!.id)).toHaveCount(0);
  expect(await (await db()).certificateRequestToken.count({ where: { frontdoorId: frontdoor.id } })).toBe(5);

  await page.getByLabel("Status").selectOption("revoked");
  await expect(row(page, c!.id)).toHaveCount(0);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  const text = readFileSync((await download.path())!, "utf8");
  const [header, ...rows] = parse(text) as string[][];
  expect(header!.join(",")).toBe("id,name,status,commonName,organization,organizationalUnit,tokenHint,createdBy,createdAt,expiresAt,redeemedAt,revokedAt,revokedBy,validDays,clientCertificateId,dnsNames,ipAddresses,uris,emails");
  expect(rows.map((r) => r[0]).sort()).toEqual([a!.id, d!.id, e!.id].sort());
  expect(text).not.toContain("crt_" + a!.token.slice(4, 20));
  expect(rows.every((r) => r[2] === "revoked")).toBe(true);

  const events = await (await db()).auditEvent.findMany({ where: { frontdoorId: frontdoor.id, action: { in: ["token.revoked", "token.expired", "token.updated", "tokens.purged"] } } });
  expect(events.map((ev) => ev.action).sort()).toEqual(["token.expired", "token.revoked", "token.revoked", "token.revoked", "token.updated", "tokens.purged"]);
});

test("an operator sees only their Frontdoors; another Frontdoor's tokens are refused, in the page and in the API", async ({ page }) => {
  const mine = await newFrontdoor("mine");
  const theirs = await newFrontdoor("theirs");
  const operator = await createTestUser("operator", [mine.id]);
  await signIn(page, operator.email, operator.password);
  await page.goto("/tokens");
  const options = await page.getByLabel("Frontdoor").getByRole("option").allTextContents();
  expect(options).toEqual([mine.name]);
  await expect(page.getByRole("link", { name: "Create token" })).toBeVisible();

  await page.goto(`/tokens?frontdoor=${theirs.id}`);
  await expect(page.getByText("That Frontdoor does not exist, or you are not a member of it.")).toBeVisible();
  const api = await page.request.get(`/frontdoor/${theirs.id}/certificate-request-tokens`);
  expect(api.status()).toBe(404);
  expect((await api.json()).code).toBe("frontdoor_not_found");
  const token = await makeToken({ name: "not yours" }, theirs.id);
  await page.goto(`/tokens/${token.id}`);
  await expect(page.getByText("This page could not be found")).toBeVisible();
});

test("an auditor reads everything, finds no mutating control, and a forged server action is refused", async ({ page, browser }, testInfo) => {
  // An admin's real createTokenAction request, to replay as the auditor.
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  const frontdoorId = await defaultFrontdoorId();
  await page.goto(`/tokens/new?frontdoor=${frontdoorId}`);
  await page.getByLabel("Name", { exact: true }).fill("probe");
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"])),
    page.getByRole("button", { name: "Create token" }).click(),
  ]);
  await expect(page.getByRole("heading", { name: "Token created" })).toBeVisible();

  const auditor = await createTestUser("auditor");
  const context = await browser.newContext();
  const ap = await context.newPage();
  await signIn(ap, auditor.email, auditor.password);
  await ap.goto(`/tokens?frontdoor=${frontdoorId}`);
  await expect(ap.getByRole("table", { name: "Tokens" })).toBeVisible();
  for (const name of ["Create token", "Purge expired", /^Revoke/, /^Expire now/, /^Extend/]) {
    await expect(ap.getByRole("button", { name })).toHaveCount(0);
    await expect(ap.getByRole("link", { name })).toHaveCount(0);
  }
  await expect(ap.getByRole("checkbox")).toHaveCount(0);
  await ap.goto("/audit");
  await expect(ap.getByTestId("audit-row").first()).toBeVisible();
  await screenshot(ap, testInfo, "audit");
  await ap.goto("/frontdoors");
  await expect(ap.getByRole("button", { name: "Create Frontdoor" })).toHaveCount(0);
  await ap.goto("/settings/api-keys");
  await expect(ap.getByRole("button", { name: "Create API key" })).toHaveCount(0);
  await ap.goto("/certificates");
  await expect(ap.getByRole("heading", { name: "Certificates" })).toBeVisible();

  const forgedName = `forged-${Date.now()}`;
  const response = await context.request.post(`/tokens/new?frontdoor=${frontdoorId}`, {
    headers: { "Next-Action": request.headers()["next-action"]!, "Content-Type": request.headers()["content-type"] ?? "text/plain;charset=UTF-8", Accept: "text/x-component" },
    data: request.postData()!.replace("probe", forgedName),
  });
  expect(await response.text()).toContain("forbidden");
  expect(await (await db()).certificateRequestToken.count({ where: { name: forgedName } })).toBe(0);
  await context.close();
});

test("accessibility: no serious or critical axe violation on the main pages, in light and dark", async ({ page }, testInfo) => {
  test.slow(); // nine pages, twice, each analysed by axe
  await page.goto("/login");
  await expectAccessible(page, "login");
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  const frontdoorId = await defaultFrontdoorId();
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [name, path] of [
      ["dashboard", "/"],
      ["tokens", `/tokens?frontdoor=${frontdoorId}`],
      ["create-token", `/tokens/new?frontdoor=${frontdoorId}`],
      ["import-tokens", `/tokens/import?frontdoor=${frontdoorId}`],
      ["certificates", `/certificates?frontdoor=${frontdoorId}`],
      ["frontdoor", `/frontdoors/${frontdoorId}`],
      ["audit", "/audit"],
    ] as const) {
      await page.goto(path);
      await page.waitForLoadState("networkidle");
      await expectAccessible(page, `${name} (${scheme})`);
      if (scheme === "light") await screenshot(page, testInfo, name);
    }
    const token = await makeToken({ commonName: "a11y" });
    await page.goto(new URL(token.redemptionUrl).pathname + new URL(token.redemptionUrl).hash);
    await expect(page.getByRole("button", { name: "Generate key and get certificate" })).toBeVisible();
    await expectAccessible(page, `redeem (${scheme})`);
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto(`/tokens?frontdoor=${frontdoorId}`);
  await expect(page.getByRole("navigation", { name: "Console" })).toBeVisible();
  await screenshot(page, testInfo, "tokens-phone");
});
