import { e2eAdmin } from "../playwright.config";
import { signIn } from "./support/auth";
import { createTestUser, db } from "./support/db";
import { expect, test } from "./support/test";

// Disabling a user ends their sessions for good: enabling them again brings no old cookie back.

test("a user disabled and enabled again finds every old session ended; the console says what happens to keys", async ({ browser, page }) => {
  const target = await createTestUser("auditor");
  const theirs = await browser.newContext();
  const theirPage = await theirs.newPage();
  await signIn(theirPage, target.email, target.password);

  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.goto("/settings/users");
  await expect(page.getByTestId("disable-explained")).toContainText("Their API keys stop while they are disabled and work again when they are enabled");
  const row = page.getByTestId(`user-row-${target.email}`);
  page.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row.getByText("disabled", { exact: true })).toBeVisible();
  await row.getByRole("button", { name: "Enable" }).click();
  await expect(row.getByText("active", { exact: true })).toBeVisible();

  // The cookie from before the disable signs nobody in, though the user is enabled again.
  await theirPage.goto("/frontdoors");
  await expect(theirPage).toHaveURL(/\/login$/);
  const sessions = await (await db()).session.findMany({ where: { userId: target.id }, select: { endReason: true } });
  expect(sessions).toEqual([{ endReason: "user_disabled" }]);
  // Signing in anew works.
  await signIn(theirPage, target.email, target.password);
  await theirs.close();
});
