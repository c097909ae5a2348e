import { expect, type Page } from "@playwright/test";

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
}

/**
 * Opens a Frontdoor's page as a new operator (a member of it) and then as a new auditor, each
 * signed in afresh, running `check` on each: the read-only views of admin-only surfaces.
 */
export async function asOperatorAndAuditor(page: Page, frontdoorId: string, check: () => Promise<void>): Promise<void> {
  const { createTestUser } = await import("./db");
  for (const role of ["operator", "auditor"] as const) {
    const user = await createTestUser(role, role === "operator" ? [frontdoorId] : []);
    await page.context().clearCookies();
    await signIn(page, user.email, user.password);
    await page.goto(`/frontdoors/${frontdoorId}`);
    await check();
  }
}
