import { expect, test } from "./support/test";
import { e2eAdmin } from "../playwright.config";
import { startReceiver } from "@/lib/testing/webhook-receiver";
import { signIn } from "./support/auth";
import { ownFrontdoor, redeemed } from "./support/certdoor";
import { createTestUser, db } from "./support/db";
import { expectAccessible, screenshot } from "./support/pages";
import { defaultFrontdoorId } from "./support/tokens";

// Webhooks against the production server (started with WEBHOOK_ALLOW_PRIVATE_NETWORKS=true,
// so it may deliver to this test's receiver on 127.0.0.1): registered in the console, the
// secret shown once, a redemption's events arriving signed, the delivery log, a test event,
// a redelivery; and who sees what.

test("an administrator registers an endpoint, keeps the secret shown once, and sees signed events arrive and land in the log", async ({ page, baseURL }, testInfo) => {
  const receiver = await startReceiver();
  // A Frontdoor of its own: on "default", other specs' redemptions (a thousand in the scale
  // spec) queue ahead of this one's deliveries, and their events reach this endpoint too.
  const frontdoor = await ownFrontdoor("webhooks");
  const frontdoorId = frontdoor.id;
  try {
    await signIn(page, e2eAdmin.email, e2eAdmin.password);
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Webhooks" }).click();
    await page.goto(`/webhooks?frontdoor=${frontdoorId}`);
    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await page.getByLabel("Description (optional)").fill("e2e receiver");
    await page.getByRole("checkbox", { name: "token.redeemed" }).check();
    await page.getByRole("checkbox", { name: "certificate.issued" }).check();
    await page.getByRole("button", { name: "Register webhook" }).click();

    await expect(page.getByText("it is shown only this once")).toBeVisible();
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Copy secret" }).click();
    await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
    const secret = await page.evaluate(() => navigator.clipboard.readText());
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secret).toBe((await page.getByTestId("webhook-secret").textContent())!.trim());
    receiver.setSecret(secret);
    await screenshot(page, testInfo, "webhook-registered");
    await page.getByRole("button", { name: "Done" }).click();
    await page.reload();
    await expect(page.getByText(secret)).toHaveCount(0);

    const webhook = await (await db()).webhook.findFirstOrThrow({ where: { url: `${receiver.url}`, frontdoorId } });
    expect(webhook.events).toEqual(["token.redeemed", "certificate.issued"]);
    expect(webhook.encryptedSecret).not.toContain(secret.slice(6));

    const { frontdoorId: redeemedOn } = await redeemed(baseURL!, 365, "webhook-e2e.example.com", frontdoor.name);
    expect(redeemedOn).toBe(frontdoorId);
    const got = await receiver.waitFor((all) => all.length >= 2);
    expect(got.map((r) => r.event.type).sort()).toEqual(["certificate.issued", "token.redeemed"]);
    expect(got.map((r) => r.signatureError)).toEqual([null, null]);
    const issued = got.find((r) => r.event.type === "certificate.issued")!;
    expect(issued.event.data).toMatchObject({ frontdoorId, commonName: "webhook-e2e.example.com", serialNumber: expect.stringMatching(/^[0-9a-f]+$/) });
    expect(got.some((r) => r.body.includes("crt_"))).toBe(false);

    await page.getByRole("link", { name: receiver.url }).click();
    await expect(page.getByTestId("webhook-status")).toHaveText("enabled");
    const log = page.getByRole("table", { name: "Deliveries" });
    // Event ids are numbers: msg_5789 must not match msg_57891, another spec's event (and a
    // row's text runs the id into the attempt number), so the id's own element is matched whole.
    const ownRow = log.getByRole("row").filter({ has: page.getByText(issued.id, { exact: true }) });
    await expect(ownRow.getByText("HTTP 200")).toBeVisible({ timeout: 15_000 });
    await expect(ownRow).toHaveCount(1);
    await expectAccessible(page, "webhook page");

    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByText("Test event queued")).toBeVisible();
    const test = (await receiver.waitFor((all) => all.some((r) => r.event.type === "webhook.test"))).find((r) => r.event.type === "webhook.test")!;
    expect(test.signatureError).toBeNull();
    expect(test.event.data).toEqual({ frontdoorId, webhookId: webhook.id, message: expect.any(String) });
    await expect(log.getByRole("row").filter({ hasText: "webhook.test" })).toHaveCount(1, { timeout: 15_000 });

    await log.getByRole("button", { name: `Redeliver ${issued.id}`, exact: true }).click();
    const again = await receiver.waitFor((all) => all.filter((r) => r.id === issued.id).length >= 2);
    expect(again.filter((r) => r.id === issued.id).map((r) => r.signatureError)).toEqual([null, null]);
    await screenshot(page, testInfo, "webhook-deliveries");

    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("button", { name: "Delete webhook" }).click();
    await expect(page).toHaveURL(/\/webhooks\?frontdoor=/);
    await expect(page.getByRole("link", { name: receiver.url })).toHaveCount(0);
    expect(await (await db()).webhook.count({ where: { id: webhook.id } })).toBe(0);
  } finally {
    await receiver.close();
  }
});

test("auditors read webhooks without controls; operators get neither the page nor its link; signed out goes to sign-in", async ({ page, browser }) => {
  const frontdoorId = await defaultFrontdoorId();
  const { createWebhook } = await import("@/lib/domain/webhooks");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  // This process registers it directly, so it needs the server's allowance too.
  Object.assign((await import("@/lib/env")).env, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: true });
  const webhook = await createWebhook(systemPrincipal("e2e"), frontdoorId, { url: "http://127.0.0.1:9/audited", events: ["token.revoked"], description: "read-only view" });
  try {
    const auditor = await createTestUser("auditor");
    await signIn(page, auditor.email, auditor.password);
    await page.goto(`/webhooks?frontdoor=${frontdoorId}`);
    await expect(page.getByRole("link", { name: "http://127.0.0.1:9/audited" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Register webhook" })).toHaveCount(0);
    await page.getByRole("link", { name: "http://127.0.0.1:9/audited" }).click();
    await expect(page.getByTestId("webhook-status")).toHaveText("enabled");
    await expect(page.getByRole("button", { name: "Send test event" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Delete", exact: true })).toHaveCount(0);

    const operator = await createTestUser("operator", [frontdoorId]);
    const operatorContext = await browser.newContext();
    const operatorPage = await operatorContext.newPage();
    await signIn(operatorPage, operator.email, operator.password);
    await expect(operatorPage.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Webhooks" })).toHaveCount(0);
    await operatorPage.goto(`/webhooks?frontdoor=${frontdoorId}`);
    await expect(operatorPage.getByText("Administrators manage webhooks; auditors can read them.")).toBeVisible();
    await expect(operatorPage.getByText("http://127.0.0.1:9/audited")).toHaveCount(0);
    await operatorPage.goto(`/webhooks/${webhook.id}`);
    await expect(operatorPage.getByText("http://127.0.0.1:9/audited")).toHaveCount(0);
    await operatorContext.close();

    const anonymous = await browser.newContext();
    const anonymousPage = await anonymous.newPage();
    await anonymousPage.goto("/webhooks");
    await expect(anonymousPage).toHaveURL(/\/login/);
    await anonymous.close();
  } finally {
    await (await db()).webhook.delete({ where: { id: webhook.id } });
  }
});
