import { expect, test } from "./support/test";
import { e2eAdmin } from "../playwright.config";
import { signIn } from "./support/auth";
import { createTestUser, db } from "./support/db";

test.describe("administration", () => {
  test("an admin creates a user in the console, who can then sign in with the shown password", async ({ page, browser }) => {
    await signIn(page, e2eAdmin.email, e2eAdmin.password);
    await page.goto("/settings/users");
    const email = `new-${Date.now()}@example.test`;
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Role", { exact: true }).selectOption("auditor");
    await page.getByRole("button", { name: "Create user" }).click();
    const password = (await page.getByTestId("generated-password").textContent())?.trim() ?? "";
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    await expect(page.getByTestId(`user-row-${email}`)).toBeVisible();

    const row = await (await db()).user.findUniqueOrThrow({ where: { email } });
    expect(row.role).toBe("auditor");
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);

    const context = await browser.newContext();
    const other = await context.newPage();
    await signIn(other, email, password);
    await expect(other.getByTestId("current-role")).toHaveText("auditor");
    await context.close();
  });

  test("an admin creates a Frontdoor and switches its TCP shares off", async ({ page }) => {
    await signIn(page, e2eAdmin.email, e2eAdmin.password);
    await page.goto("/frontdoors");
    const name = `edge-${Date.now()}`;
    await page.getByLabel("Name").fill(name);
    await page.getByRole("button", { name: "Create Frontdoor" }).click();
    const row = page.getByRole("row").filter({ hasText: name });
    await expect(row).toBeVisible();
    await row.getByRole("switch", { name: `TCP shares on ${name}` }).click();
    await expect(row.getByText("disabled", { exact: true })).toBeVisible();
    const stored = await (await db()).frontdoor.findUniqueOrThrow({ where: { name } });
    expect(stored.tcpSharesEnabled).toBe(false);
  });

  test("an auditor sees Frontdoors read-only, and a forged create action is refused on the server", async ({ page, browser }) => {
    // Capture the real server action request an admin's browser sends…
    await signIn(page, e2eAdmin.email, e2eAdmin.password);
    await page.goto("/frontdoors");
    const probe = `probe-${Date.now()}`;
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"])),
      (async () => {
        await page.getByLabel("Name").fill(probe);
        await page.getByRole("button", { name: "Create Frontdoor" }).click();
      })(),
    ]);
    const actionId = request.headers()["next-action"]!;
    const forged = `forged-${Date.now()}`;
    const body = request.postData()!.replace(probe, forged);

    // …then replay it as an auditor.
    const auditor = await createTestUser("auditor");
    const context = await browser.newContext();
    const auditorPage = await context.newPage();
    await signIn(auditorPage, auditor.email, auditor.password);
    await auditorPage.goto("/frontdoors");
    await expect(auditorPage.getByRole("table", { name: "Frontdoors" })).toBeVisible();
    await expect(auditorPage.getByRole("button", { name: "Create Frontdoor" })).toHaveCount(0);
    await expect(auditorPage.getByRole("switch")).toHaveCount(0);

    const response = await context.request.post("/frontdoors", {
      headers: { "Next-Action": actionId, "Content-Type": request.headers()["content-type"] ?? "text/plain;charset=UTF-8", Accept: "text/x-component" },
      data: body,
    });
    const text = await response.text();
    expect(text).toContain("forbidden");
    expect(await (await db()).frontdoor.count({ where: { name: forged } })).toBe(0);

    // Signed out, the same call is refused too.
    const anonymous = await browser.newContext();
    const anon = await anonymous.request.post("/frontdoors", {
      headers: { "Next-Action": actionId, "Content-Type": "text/plain;charset=UTF-8", Accept: "text/x-component" },
      data: body,
    });
    expect(await anon.text()).toContain("unauthenticated");
    expect(await (await db()).frontdoor.count({ where: { name: forged } })).toBe(0);
    await context.close();
    await anonymous.close();
  });
});
