import { readFileSync } from "node:fs";
import { expect, type Page, test } from "./support/test";
import { parse } from "csv-parse/sync";
import { e2eAdmin, mailboxUrl } from "../playwright.config";
import { signIn } from "./support/auth";
import { db } from "./support/db";
import { defaultFrontdoorId, linkPath } from "./support/tokens";

// Reaching people: a link emailed by the production build through a real SMTP server and
// opened from the message; a new link for a lost one; a CSV of people imported at once.

type Message = { to: string[]; subject: string; text: string };

async function mailTo(address: string, count = 1): Promise<Message[]> {
  let messages: Message[] = [];
  await expect
    .poll(async () => {
      messages = await (await fetch(`${mailboxUrl}/messages?to=${encodeURIComponent(address)}`)).json();
      return messages.length;
    }, { timeout: 15_000 })
    .toBe(count);
  return messages;
}

const linkIn = (message: Message) => /https?:\/\/\S+\/redeem#\S+/.exec(message.text)![0];

/** Opens a link afresh (a hash-only change would not reload the page). */
async function open(page: Page, url: string) {
  await page.goto("about:blank");
  await page.goto(url);
}

async function redeemInBrowser(page: Page, link: string, commonName: string) {
  page.once("dialog", (dialog) => void dialog.accept()); // leaving without saving the key
  await open(page, linkPath({ redemptionUrl: link }));
  await page.getByRole("button", { name: "Generate key and get certificate" }).click();
  await expect(page.getByTestId("issued-cn")).toHaveText(commonName);
}

async function expectRefused(page: Page, link: string, code: string) {
  await open(page, linkPath({ redemptionUrl: link }));
  await expect(page.getByTestId("redeem-error")).toHaveAttribute("data-code", code);
}

test("a link by email: made in the console, delivered over SMTP, opened from the message, redeemed once", async ({ page }) => {
  const to = `dana-${Date.now()}@example.com`;
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.goto(`/tokens/new?frontdoor=${await defaultFrontdoorId()}`);
  await page.getByLabel("Name", { exact: true }).fill("Dana's laptop");
  await page.getByLabel("Common name (CN)").fill("dana.example.com");
  await page.getByLabel("Send the link to (optional)").fill(to);
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("delivery-status")).toHaveText(`The link was emailed to ${to}.`);
  const shown = await page.getByTestId("redemption-link").textContent();

  const [message] = await mailTo(to);
  expect(message!.subject).toBe("your client certificate for default");
  expect(linkIn(message!)).toBe(shown);
  expect(message!.text).toContain("Certificate subject: CN=dana.example.com");
  await redeemInBrowser(page, linkIn(message!), "dana.example.com");
  await expectRefused(page, linkIn(message!), "token_already_used");
});

test("a new link for a lost one: the token's page makes it, emails it, and the old link stops working", async ({ page }) => {
  const to = `finn-${Date.now()}@example.com`;
  const { createToken } = await import("@/lib/domain/tokens");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  const token = await createToken(systemPrincipal("e2e"), await defaultFrontdoorId(), { name: "Finn's phone", commonName: "finn.example.com", recipientEmail: to });
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.goto(`/tokens/${token.id}`);
  await page.getByRole("button", { name: "New link" }).click();
  await page.getByRole("button", { name: "Make a new link" }).click();
  await expect(page.getByRole("heading", { name: "New link made" })).toBeVisible();
  await expect(page.getByTestId("delivery-status")).toHaveText(`The link was emailed to ${to}.`);
  const fresh = (await page.getByTestId("redemption-link").textContent())!;
  expect(fresh).not.toBe(token.redemptionUrl);
  // (The token was made here, in a process without SMTP: only the rotation's message was sent.)
  expect(token.delivery?.status).toBe("not_configured");
  const [second] = await mailTo(to, 1);
  expect(second!.subject).toBe("New link: your client certificate for default");
  expect(linkIn(second!)).toBe(fresh);

  await expectRefused(page, token.redemptionUrl, "token_not_found");
  await redeemInBrowser(page, fresh, "finn.example.com");
});

test("import CSV: a preview marks the bad row, the fixed file creates every token, the links download once", async ({ page, baseURL }) => {
  const stamp = Date.now();
  const header = "name,commonName,organization,organizationalUnit,recipientEmail,expiresAt,validDays\n";
  const rows = [`"Zoë Ångström, Lab ${stamp}",zoe-${stamp}.example.com,"Acme, Inc.",Research,zoe-${stamp}@example.com,,90`, `Printer ${stamp},printer-${stamp}.example.com,,,,,`];
  const bad = header + rows[0] + "\n" + `Too long ${stamp},${"x".repeat(70)},,,,,\n` + rows[1] + "\n";
  const good = header + rows.join("\n") + "\n";
  const frontdoorId = await defaultFrontdoorId();

  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.goto(`/tokens?frontdoor=${frontdoorId}`);
  await page.getByRole("link", { name: "Import CSV" }).click();
  await page.getByLabel("CSV file").setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  await expect(page.getByTestId("import-summary")).toContainText("people.csv: 3 rows. 1 row has errors");
  await expect(page.getByTestId("import-row-3")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("import-row-3")).toContainText("commonName: Use at most 64 characters");
  await expect(page.getByTestId("import-row-2")).not.toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("button", { name: "Create 3 tokens" })).toBeDisabled();

  await page.getByLabel("CSV file").setInputFiles({ name: "people-fixed.csv", mimeType: "text/csv", buffer: Buffer.from(good) });
  await expect(page.getByTestId("import-summary")).toContainText("people-fixed.csv: 2 rows. Ready. 1 link will be emailed");
  await page.getByRole("button", { name: "Create 2 tokens" }).click();
  await expect(page.getByRole("heading", { name: "2 tokens created on default" })).toBeVisible();
  await expect(page.getByTestId("batch-delivery")).toContainText("1 link was emailed.");
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download links (CSV)" }).click()]);
  const records = parse(readFileSync((await file.path())!, "utf8"), { columns: true }) as Record<string, string>[];
  expect(records.map((r) => [r.name, r.commonName, r.organization, r.delivery])).toEqual([
    [`Zoë Ångström, Lab ${stamp}`, `zoe-${stamp}.example.com`, "Acme, Inc.", "sent"],
    [`Printer ${stamp}`, `printer-${stamp}.example.com`, "", ""],
  ]);
  const [mail] = await mailTo(`zoe-${stamp}@example.com`);
  expect(linkIn(mail!)).toBe(records[0]!.redemptionUrl);
  expect(await (await db()).certificateRequestToken.count({ where: { name: { in: [`Zoë Ångström, Lab ${stamp}`, `Printer ${stamp}`] } } })).toBe(2);

  // A system redeems its row's token with curl's equivalent: the secret as a bearer.
  const { execFileSync } = await import("node:child_process");
  const csr = execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=x"], { encoding: "utf8" });
  const res = await fetch(`${baseURL}/frontdoor/${frontdoorId}/client-certificates/token`, {
    method: "POST",
    headers: { Authorization: `Bearer ${records[1]!.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ type: "CSR", value: csr }),
  });
  expect(res.status).toBe(201);
  expect((await res.json()).commonName).toBe(`printer-${stamp}.example.com`);
});
