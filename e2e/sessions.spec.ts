import type { Browser } from "@playwright/test";
import { e2eAdmin } from "../playwright.config";
import { signIn } from "./support/auth";
import { db } from "./support/db";
import { expect, test } from "./support/test";

// Sessions that end on the server: sign out everywhere (oneself, or an administrator for
// a user), and a password change, reach every other browser at its next request.

async function makeOperator(password: string) {
  await db(); // connects the domain layer to the server's database, also in a fresh worker
  const { createUser } = await import("@/lib/domain/access/users");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  const email = `sessions-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.test`;
  await createUser(systemPrincipal("e2e"), { email, role: "operator", password, frontdoorIds: [] });
  return email;
}

async function browserSignedIn(browser: Browser, baseURL: string, email: string, password: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signIn(page, email, password);
  return { context, page };
}

const expectSignedOut = async (page: import("@playwright/test").Page) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
};

test("the session cookie is HttpOnly and SameSite=Lax (Secure only under https)", async ({ page, context }) => {
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  const cookie = (await context.cookies()).find((c) => c.name.endsWith("authjs.session-token"));
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });
});

test("sign out everywhere ends this browser's session and every other one", async ({ browser, baseURL }) => {
  const password = "sessions password 1";
  const email = await makeOperator(password);
  const a = await browserSignedIn(browser, baseURL!, email, password);
  const b = await browserSignedIn(browser, baseURL!, email, password);
  await a.page.goto("/settings/account");
  await expect(a.page.getByTestId("session-row")).toHaveCount(2);
  await a.page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(a.page).toHaveURL(/\/login$/);
  await expectSignedOut(b.page);
  // The old cookie cannot come back: signing in again works, the ended session does not.
  await signIn(a.page, email, password);
  await Promise.all([a.context.close(), b.context.close()]);
});

test("a password change signs out every other session and keeps this one", async ({ browser, baseURL }) => {
  const password = "sessions password 2";
  const email = await makeOperator(password);
  const a = await browserSignedIn(browser, baseURL!, email, password);
  const b = await browserSignedIn(browser, baseURL!, email, password);
  await a.page.goto("/settings/account");
  await a.page.getByLabel("Current password").fill("not the password");
  await a.page.getByLabel("New password").fill("sessions password 3");
  await a.page.getByRole("button", { name: "Change password" }).click();
  await expect(a.page.getByText("The current password is not right").first()).toBeVisible();
  await a.page.getByLabel("Current password").fill(password);
  await a.page.getByRole("button", { name: "Change password" }).click();
  await expect(a.page.getByText("Password changed; 1 other session was signed out.")).toBeVisible();
  await expectSignedOut(b.page);
  await a.page.goto("/tokens");
  await expect(a.page).toHaveURL(/\/tokens/);
  await signIn(b.page, email, "sessions password 3");
  await Promise.all([a.context.close(), b.context.close()]);
});

test("an administrator signs a user out everywhere", async ({ page, browser, baseURL }) => {
  const password = "sessions password 4";
  const email = await makeOperator(password);
  const user = await browserSignedIn(browser, baseURL!, email, password);
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.goto("/settings/users");
  await page.getByRole("button", { name: `Sign ${email} out everywhere` }).click();
  await expect(page.getByText(`${email} was signed out of 1 session`)).toBeVisible();
  await expectSignedOut(user.page);
  await user.context.close();
});
