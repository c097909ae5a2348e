import { expect, type Page, test } from "./support/test";
import { createTestUser, db } from "./support/db";

// Sign-in through an OpenID Connect provider (a stand-in IdP started with the suite):
// only users who already exist and are enabled get in.

async function signInWithIdp(page: Page, email: string, options: { subject?: string; verified?: "true" | "false" | "omit" } = {}) {
  await page.goto("/login");
  await page.getByRole("button", { name: "Continue with Test IdP" }).click();
  // Wait for the IdP's own page: the console's login form has an "Email" field too.
  await page.waitForURL(/127\.0\.0\.1:\d+\/authorize/);
  await page.getByLabel("Email", { exact: true }).fill(email);
  if (options.subject) await page.getByLabel("Subject").fill(options.subject);
  if (options.verified) await page.getByLabel("Email verified").selectOption(options.verified);
  await page.getByRole("button", { name: "Sign in at the IdP" }).click();
}

test("an existing user signs in through the identity provider and gets their own role", async ({ page }) => {
  const operator = await createTestUser("operator");
  await signInWithIdp(page, operator.email.toUpperCase());
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toHaveText(operator.email);
  await expect(page.getByTestId("current-role")).toHaveText("operator");
});

test("an email the console does not know, or a disabled user, is turned away", async ({ page }) => {
  await signInWithIdp(page, `stranger-${Date.now()}@example.test`);
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText("Sign-in did not succeed.")).toBeVisible();
  expect(await (await db()).user.count({ where: { email: { startsWith: "stranger-" } } })).toBe(0);

  const disabled = await createTestUser("auditor");
  await (await db()).user.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
  await signInWithIdp(page, disabled.email);
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText("Sign-in did not succeed.")).toBeVisible();
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
});

test("a provider that does not vouch for the email (claim missing) cannot sign anyone in, administrators included", async ({ page }) => {
  const admin = await createTestUser("admin");
  await signInWithIdp(page, admin.email, { subject: `attacker-${Date.now()}`, verified: "omit" });
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText("Sign-in did not succeed.")).toBeVisible();
  expect((await (await db()).user.findUniqueOrThrow({ where: { id: admin.id } })).oidcSubject).toBeNull();
});

test("after the first sign-in the provider's subject decides: changing the email there to an admin's moves nothing", async ({ page, browser }) => {
  const operator = await createTestUser("operator");
  const admin = await createTestUser("admin");
  const subject = `op-${Date.now()}`;
  await signInWithIdp(page, operator.email, { subject });
  await expect(page.getByTestId("current-user")).toHaveText(operator.email);
  expect((await (await db()).user.findUniqueOrThrow({ where: { id: operator.id } })).oidcSubject).toBe(subject);

  const later = await browser.newPage();
  await signInWithIdp(later, admin.email, { subject });
  await expect(later.getByTestId("current-user")).toHaveText(operator.email);
  await expect(later.getByTestId("current-role")).toHaveText("operator");
  await later.close();
});
