import { generate } from "otplib";
import { signIn } from "./support/auth";
import { createOidcTestUser, createTestUser, db } from "./support/db";
import { expect, type Page, test } from "./support/test";

// Sign-in through an OpenID Connect provider (a stand-in IdP started with the suite): only
// users who exist, are enabled and are bound to the provider account get in. A user is bound
// by linking it themselves, signed in, or at the first sign-in of a user made for OIDC (no
// password); a matching email never hands over an account. A second factor the user has, or
// that the policy asks, is asked after the provider too, unless the provider says it did MFA.

type IdpOptions = { subject?: string; verified?: "true" | "false" | "omit"; amr?: string };

async function answerAtIdp(page: Page, email: string, options: IdpOptions) {
  // Wait for the IdP's own page: the console's login form has an "Email" field too.
  await page.waitForURL(/127\.0\.0\.1:\d+\/authorize/);
  await page.getByLabel("Email", { exact: true }).fill(email);
  if (options.subject) await page.getByLabel("Subject").fill(options.subject);
  if (options.verified) await page.getByLabel("Email verified").selectOption(options.verified);
  if (options.amr) await page.getByLabel("Methods used (amr)").fill(options.amr);
  await page.getByRole("button", { name: "Sign in at the IdP" }).click();
}

async function signInWithIdp(page: Page, email: string, options: IdpOptions = {}) {
  await page.goto("/login");
  await page.getByRole("button", { name: "Continue with Test IdP" }).click();
  await answerAtIdp(page, email, options);
}


const bindingOf = async (id: string) => (await (await db()).user.findUniqueOrThrow({ where: { id } })).oidcSubject;

async function expectTurnedAway(page: Page) {
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText("Sign-in did not succeed.")).toBeVisible();
}

test("a user made for OIDC signs in through the identity provider and gets their own role", async ({ page }) => {
  const operator = await createOidcTestUser("operator");
  await signInWithIdp(page, operator.email.toUpperCase());
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toHaveText(operator.email);
  await expect(page.getByTestId("current-role")).toHaveText("operator");
});

test("an email the console does not know, or a disabled user, is turned away", async ({ page }) => {
  await signInWithIdp(page, `stranger-${Date.now()}@example.test`);
  await expectTurnedAway(page);
  expect(await (await db()).user.count({ where: { email: { startsWith: "stranger-" } } })).toBe(0);

  const disabled = await createOidcTestUser("auditor");
  await (await db()).user.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
  await signInWithIdp(page, disabled.email);
  await expectTurnedAway(page);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
});

test("a matching email never hands over an account with a password, even vouched for, administrators included", async ({ page }) => {
  const admin = await createTestUser("admin");
  await signInWithIdp(page, admin.email, { subject: `attacker-${Date.now()}`, verified: "true" });
  await expectTurnedAway(page);
  expect(await bindingOf(admin.id)).toBeNull();
});

test("a provider that does not vouch for the email (claim missing) cannot sign in a user made for OIDC", async ({ page }) => {
  const admin = await createOidcTestUser("admin");
  await signInWithIdp(page, admin.email, { subject: `attacker-${Date.now()}`, verified: "omit" });
  await expectTurnedAway(page);
  expect(await bindingOf(admin.id)).toBeNull();
});

test("after the first sign-in the provider's subject decides: changing the email there to an admin's moves nothing", async ({ page, browser }) => {
  const operator = await createOidcTestUser("operator");
  const admin = await createOidcTestUser("admin");
  const subject = `op-${Date.now()}`;
  await signInWithIdp(page, operator.email, { subject });
  await expect(page.getByTestId("current-user")).toHaveText(operator.email);
  expect(await bindingOf(operator.id)).toBe(subject);

  const later = await browser.newPage();
  await signInWithIdp(later, admin.email, { subject });
  await expect(later.getByTestId("current-user")).toHaveText(operator.email);
  await expect(later.getByTestId("current-role")).toHaveText("operator");
  await later.close();
});

test("a signed-in user links their provider account on Your account, then signs in with it", async ({ page, browser }) => {
  const user = await createTestUser("operator");
  const subject = `linked-${Date.now()}`;
  await signIn(page, user.email, user.password);
  await page.goto("/settings/account");
  await page.getByRole("button", { name: "Link your Test IdP account" }).click();
  // The provider's email need not match: the signed-in session is what links.
  await answerAtIdp(page, `elsewhere-${Date.now()}@example.test`, { subject, verified: "false" });
  await expect(page).toHaveURL(/\/settings\/account\?oidc=linked$/);
  await expect(page.getByTestId("oidc-link-outcome")).toHaveText("Linked.");
  await expect(page.getByTestId("oidc-link")).toContainText(subject);
  expect(await bindingOf(user.id)).toBe(subject);
  // The same browser session carries on: still signed in, no new session.
  await expect(page.getByTestId("current-user")).toHaveText(user.email);
  expect(await (await db()).session.count({ where: { userId: user.id } })).toBe(1);

  const other = await browser.newPage();
  await signInWithIdp(other, `elsewhere-${Date.now()}@example.test`, { subject });
  await expect(other.getByTestId("current-user")).toHaveText(user.email);
  await other.close();
});

test("a user with an authenticator app is asked for it after the provider, unless the provider says it did MFA", async ({ page, browser }) => {
  const user = await createOidcTestUser("operator");
  const subject = `mfa-${Date.now()}`;
  await signInWithIdp(page, user.email, { subject, amr: "pwd" });
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();

  // Set up an app with a code computed here (as a user would on Your account).
  await page.goto("/settings/account");
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  await page.getByLabel("Code from the app").fill(await generate({ secret }));
  await page.getByRole("button", { name: "Confirm" }).click();
  await page.getByRole("button", { name: "I have saved them" }).click();
  await expect(page.getByTestId("totp-status")).toBeVisible();

  const fresh = await browser.newPage();
  await signInWithIdp(fresh, user.email, { subject, amr: "pwd" });
  await expect(fresh).toHaveURL(/\/login\/second-factor$/);
  await fresh.goto("/tokens");
  await expect(fresh).toHaveURL(/\/login\/second-factor$/);
  // One step ahead: the set-up used this step's code.
  await fresh.getByLabel("Code from your authenticator app").fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
  await fresh.getByRole("button", { name: "Verify" }).click();
  await expect(fresh.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await fresh.close();

  const withMfa = await browser.newPage();
  await signInWithIdp(withMfa, user.email, { subject, amr: "pwd,mfa" });
  await expect(withMfa.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await withMfa.close();
});
