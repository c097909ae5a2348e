import { e2eAdmin } from "../playwright.config";
import { signIn } from "./support/auth";
import { createTestUser, db } from "./support/db";
import { expectAccessible } from "./support/pages";
import { expect, test } from "./support/test";

// The Frontdoor page's certificate profile and name policy (issue 20): an admin edits them
// and the database holds what the form said; the token form then refuses, as you type, a CN
// the policy refuses; an operator reads the policy and cannot change it.

async function newFrontdoor() {
  await db();
  const { createFrontdoor } = await import("@/lib/domain/frontdoors");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  return createFrontdoor(systemPrincipal("e2e"), { name: `profile-${Date.now()}` });
}

const stored = async (id: string) => (await db()).frontdoor.findUniqueOrThrow({ where: { id }, select: { profile: true, namePolicy: true } });

test("an admin sets the profile and policy; the token form checks names against it as you type", async ({ page }) => {
  const frontdoor = await newFrontdoor();
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.goto(`/frontdoors/${frontdoor.id}`);
  const form = page.getByRole("form", { name: "Certificate profile and name policy" });
  await expectAccessible(page, "Frontdoor page with its profile");
  await form.getByLabel("serverAuth").check();
  await form.getByLabel("RSA-4096").uncheck();
  await form.getByLabel("Longest certificate life (days)").fill("90");
  await form.getByLabel("Allow: Common name").fill("*.ci.example.com\nagent-*.build.example.com");
  await form.getByLabel("Deny: DNS").fill("db..example.com");
  await form.getByRole("button", { name: "Save profile and policy" }).click();
  // The schema's message, beside the field, before anything is saved.
  await expect(form.getByText("A pattern has no empty labels (two dots in a row)")).toBeVisible();
  expect((await stored(frontdoor.id)).namePolicy).toEqual({});

  await form.getByLabel("Deny: DNS").fill(".prod.ci.example.com");
  await form.getByRole("button", { name: "Save profile and policy" }).click();
  await expect(page.getByText("Profile and name policy saved")).toBeVisible();
  expect(await stored(frontdoor.id)).toEqual({
    profile: { extendedKeyUsage: ["clientAuth", "serverAuth"], keyTypes: ["EC-P256", "EC-P384", "RSA-2048", "RSA-3072"], maxValidDays: 90, allowCsrSubjectAltNames: false, allowWildcards: false },
    namePolicy: { allow: { commonName: ["*.ci.example.com", "agent-*.build.example.com"] }, deny: { dns: [".prod.ci.example.com"] } },
  });
  await expect(page.getByTestId("snippet-nginx")).toContainText("map $ssl_client_s_dn $certdoor_name_allowed");

  await page.goto(`/tokens/new?frontdoor=${frontdoor.id}`);
  await expect(page.getByLabel("Certificate validity (days)")).toHaveValue("90");
  await page.getByLabel("Common name (CN)").fill("laptop.example.com");
  await expect(page.getByText('The common name "laptop.example.com" is outside this Frontdoor\'s name policy: not in allow list')).toBeVisible();
  await page.getByLabel("Common name (CN)").fill("runner.ci.example.com");
  await expect(page.getByText("outside this Frontdoor's name policy")).toHaveCount(0);
});

test("an operator reads the profile and policy but cannot change them", async ({ page }) => {
  const frontdoor = await newFrontdoor();
  const operator = await createTestUser("operator", [frontdoor.id]);
  const { updateFrontdoor } = await import("@/lib/domain/frontdoors");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  await updateFrontdoor(systemPrincipal("e2e"), frontdoor.id, { namePolicy: { allow: { dns: [".ci.example.com"] } } });
  await signIn(page, operator.email, operator.password);
  await page.goto(`/frontdoors/${frontdoor.id}`);
  const form = page.getByRole("form", { name: "Certificate profile and name policy" });
  await expect(form.getByLabel("Allow: DNS")).toHaveValue(".ci.example.com");
  await expect(form.getByLabel("Allow: DNS")).toBeDisabled();
  await expect(form.getByText("Only administrators change these.")).toBeVisible();
  await expect(form.getByRole("button", { name: "Save profile and policy" })).toHaveCount(0);
});
