import { expect, test } from "./support/test";
import { e2eAdmin } from "../playwright.config";
import { signIn } from "./support/auth";
import { createTestUser, db } from "./support/db";

test.describe("signing in", () => {
  test("a signed-out visit to any console page lands on /login", async ({ page }) => {
    for (const path of ["/", "/frontdoors", "/tokens", "/certificates", "/audit", "/settings", "/settings/users"]) {
      await page.goto(path);
      await expect(page, `visiting ${path}`).toHaveURL(/\/login$/);
      await expect(page.getByRole("heading", { name: "Sign in to the console" })).toBeVisible();
    }
  });

  test("the first admin signs in, sees the dashboard with the default Frontdoor, and signs out", async ({ page }) => {
    await signIn(page, e2eAdmin.email, e2eAdmin.password);
    await expect(page.getByTestId("current-user")).toHaveText(e2eAdmin.email);
    await expect(page.getByTestId("current-role")).toHaveText("admin");
    await expect(page.getByLabel("Frontdoor").getByRole("option", { name: "default" })).toHaveCount(1);
    await expect(page.getByTestId("stat-active")).toBeVisible();

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/frontdoors");
    await expect(page).toHaveURL(/\/login$/);
  });

  test("a wrong password and an unknown email get the same generic message", async ({ page }) => {
    const messages: string[] = [];
    for (const [email, password] of [
      [e2eAdmin.email, "not the password"],
      ["nobody@example.test", "not the password"],
    ] as const) {
      await page.goto("/login");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      const alert = page.locator("form").getByRole("alert");
      await expect(alert).toBeVisible();
      messages.push((await alert.textContent()) ?? "");
      await expect(page).toHaveURL(/\/login/);
    }
    expect(messages[0]).toBe("Wrong email or password, or the account is disabled.");
    expect(messages[1]).toBe(messages[0]);
  });

  test("a disabled user cannot sign in, and an open session of theirs ends for good: enabling them again revives none", async ({ browser, page }) => {
    const target = await createTestUser("auditor");
    const theirs = await browser.newContext();
    const theirPage = await theirs.newPage();
    await signIn(theirPage, target.email, target.password);

    await signIn(page, e2eAdmin.email, e2eAdmin.password);
    await page.goto("/settings/users");
    const row = page.getByTestId(`user-row-${target.email}`);
    page.once("dialog", (dialog) => void dialog.accept());
    await row.getByRole("button", { name: "Disable" }).click();
    await expect(row.getByText("disabled", { exact: true })).toBeVisible();
    const stored = await (await db()).user.findUniqueOrThrow({ where: { id: target.id } });
    expect(stored.disabledAt).not.toBeNull();

    await theirPage.goto("/frontdoors");
    await expect(theirPage).toHaveURL(/\/login$/);
    await theirPage.getByLabel("Email").fill(target.email);
    await theirPage.getByLabel("Password").fill(target.password);
    await theirPage.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(theirPage.locator("form").getByRole("alert")).toHaveText("Wrong email or password, or the account is disabled.");

    // Enabled again: the cookie from before the disable still signs nobody in; API keys only paused.
    await expect(page.getByTestId("disable-explained")).toContainText("Their API keys stop while they are disabled and work again when they are enabled");
    await row.getByRole("button", { name: "Enable" }).click();
    await expect(row.getByText("active", { exact: true })).toBeVisible();
    await theirPage.goto("/frontdoors");
    await expect(theirPage).toHaveURL(/\/login$/);
    expect(await (await db()).session.findMany({ where: { userId: target.id }, select: { endReason: true } })).toEqual([{ endReason: "user_disabled" }]);
    await theirs.close();
  });

  test("ten failed sign-ins for one email from one address make the next wait, even with the right password", async ({ page }) => {
    const user = await createTestUser("auditor");
    const attempt = async (password: string) => {
      await page.goto("/login");
      await page.getByLabel("Email").fill(user.email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      return page.locator("form").getByRole("alert").textContent();
    };
    for (let i = 0; i < 10; i++) expect(await attempt(`wrong password ${i}`)).toBe("Wrong email or password, or the account is disabled.");
    expect(await attempt(user.password)).toBe("Too many failed attempts. Wait 15 minutes, then try again.");
    await expect(page).toHaveURL(/\/login/);
  });
});
