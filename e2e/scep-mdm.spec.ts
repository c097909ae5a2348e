import { e2eAdmin } from "../playwright.config";
import { signIn } from "./support/auth";
import { createTestUser, db } from "./support/db";
import { expectAccessible } from "./support/pages";
import { expect, test } from "./support/test";

// The Frontdoor page's SCEP section (issue 23 items 3 and 4): the SCEP and challenge URLs an
// MDM needs, the challenge URL answering over the production server with an API key as the
// Basic password, and the Intune settings an admin saves with a write-only secret that the
// database holds sealed; an operator reads the status and has no form.

async function newFrontdoor() {
  await db();
  const { createFrontdoor } = await import("@/lib/domain/frontdoors");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  return createFrontdoor(systemPrincipal("e2e"), { name: `scep-${Date.now()}` });
}

test("an admin finds the SCEP addresses, the challenge URL answers, and the Intune settings save with a write-only secret", async ({ page, baseURL }) => {
  const frontdoor = await newFrontdoor();
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.goto(`/frontdoors/${frontdoor.id}`);
  await expect(page.getByTestId("address-scep")).toHaveText(`${baseURL}/scep/${frontdoor.id}`);
  const challengeUrl = `${baseURL}/frontdoor/${frontdoor.id}/scep/challenge`;
  await expect(page.getByTestId("address-scep-challenge")).toHaveText(challengeUrl);
  await expect(page.getByTestId("intune-status")).toContainText("Not set up");
  await expectAccessible(page, "Frontdoor page with SCEP");

  // The challenge URL as an MDM calls it: an API key as the Basic password, any user name.
  const operator = await createTestUser("operator", [frontdoor.id]);
  const { createApiKey } = await import("@/lib/domain/access/api-keys");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  const { key } = await createApiKey(systemPrincipal("e2e"), { name: "mdm", ownerEmail: operator.email });
  const answer = await fetch(challengeUrl, { headers: { authorization: `Basic ${Buffer.from(`jamf:${key}`).toString("base64")}` } });
  expect([answer.status, answer.headers.get("content-type")]).toEqual([200, "text/plain; charset=utf-8"]);
  expect(await answer.text()).toMatch(/^crt_[0-9A-Za-z]+$/);
  const refused = await fetch(challengeUrl);
  expect([refused.status, refused.headers.get("www-authenticate")]).toEqual([401, expect.stringMatching(/^Basic /)]);

  const form = page.getByRole("form", { name: "Microsoft Intune settings" });
  await form.getByLabel("Tenant (directory) id or domain").fill("contoso.onmicrosoft.com");
  await form.getByLabel("Application (client) id").fill("not-a-guid");
  await form.getByRole("button", { name: "Save Intune settings" }).click();
  await expect(form.getByText("Use the application (client) id, a GUID")).toBeVisible();
  await form.getByLabel("Application (client) id").fill("6f1c1b2e-8d7a-4c55-9a0e-1d2b3c4d5e6f");
  await form.getByLabel("Client secret (value)").fill("e2e~intune~secret");
  await form.getByRole("button", { name: "Save Intune settings" }).click();
  await expect(page.getByText("Intune settings saved")).toBeVisible();

  await page.reload();
  await expect(page.getByTestId("intune-status")).toContainText("Set up: tenant contoso.onmicrosoft.com, client 6f1c1b2e-8d7a-4c55-9a0e-1d2b3c4d5e6f, client secret stored.");
  await expect(form.getByLabel("Client secret (value)")).toHaveValue("");
  expect(await page.content()).not.toContain("e2e~intune~secret");
  const row = await (await db()).frontdoorIntune.findUniqueOrThrow({ where: { frontdoorId: frontdoor.id } });
  expect(row.sealedClientSecret).toMatch(/^v1\./);
  const { intuneCredentials } = await import("@/lib/domain/scep/intune/settings");
  expect((await intuneCredentials(frontdoor.id))?.clientSecret).toBe("e2e~intune~secret");
});

test("an operator sees whether Intune is set up but has no form", async ({ page }) => {
  const frontdoor = await newFrontdoor();
  const operator = await createTestUser("operator", [frontdoor.id]);
  await signIn(page, operator.email, operator.password);
  await page.goto(`/frontdoors/${frontdoor.id}`);
  await expect(page.getByTestId("intune-status")).toContainText("Not set up");
  await expect(page.getByRole("form", { name: "Microsoft Intune settings" })).toHaveCount(0);
});
