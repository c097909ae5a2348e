import { expect, type Page, test } from "@playwright/test";
import { createTestUser, db } from "./support/db";

// Sign-in through an OpenID Connect provider (a stand-in IdP started with the suite):
// only users who already exist and are enabled get in.

async function signInWithIdp(page: Page, email: string) {
  await page.goto("/login");
  await page.getByRole("button", { name: "Continue with Test IdP" }).click();
  // Wait for the IdP's own page: the console's login form has an "Email" field too.
  await page.waitForURL(/127\.0\.0\.1:\d+\/authorize/);
  await page.getByLabel("Email").fill(email);
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
