import { expect, type Browser, test } from "./support/test";
import { e2eAdmin } from "../playwright.config";
import { signIn } from "./support/auth";
import { ownFrontdoor } from "./support/certdoor";
import { createTestUser, db } from "./support/db";
import { expectAccessible, screenshot } from "./support/pages";
import { linkPath, makeToken } from "./support/tokens";

// CONTRACT "Approvals" in the browser: a Frontdoor that requires approvals, a token that waits
// on the redemption page, a second person who sees the certificate-to-be and answers it in
// the console, and the redemption page's answer afterwards.

/** A fresh tab that opens a redemption link (the page reads the link's fragment once, on load). */
async function openLink(browser: Browser, link: string) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(link);
  return page;
}

/** A user signed in in a browser context of their own. */
async function signedIn(browser: Browser, role: "admin" | "auditor") {
  const user = await createTestUser(role);
  const page = await (await browser.newContext()).newPage();
  await signIn(page, user.email, user.password);
  return { user, page, nav: page.getByRole("navigation", { name: "Console" }) };
}

test("one approval required: the redemption page waits, a second admin approves in the console, then the page issues", async ({ page, browser }, testInfo) => {
  const frontdoor = await ownFrontdoor("approvals");
  await signIn(page, e2eAdmin.email, e2eAdmin.password);

  // The policy, set on the Frontdoor page.
  await page.goto(`/frontdoors/${frontdoor.id}`);
  await expect(page.getByTestId("approvals-policy")).toContainText("Off");
  await page.getByLabel("Approvals per token (0 to 5)").fill("1");
  await page.getByRole("button", { name: "Save approvals" }).click();
  await expect(page.getByTestId("approvals-policy")).toContainText("Each new token needs 1 approval by people other than its creator");
  expect((await (await db()).frontdoor.findUniqueOrThrow({ where: { id: frontdoor.id } })).approvalsRequired).toBe(1);

  // The first admin makes a token in the console; its link is handed out at once, as always.
  await page.goto(`/tokens/new?frontdoor=${frontdoor.id}`);
  const name = `Approved ${Date.now()}`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Common name (CN)").fill("approved.example.com");
  await page.getByLabel("Organization (O)").fill("Example Corp");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByRole("heading", { name: "Token created" })).toBeVisible();
  await expect(page.getByTestId("created-pending-approval")).toContainText("It works once one more person approves it");
  const link = (await page.getByTestId("redemption-link").textContent())!.trim();
  const token = await (await db()).certificateRequestToken.findFirstOrThrow({ where: { name } });
  expect(token.approvalsRequired).toBe(1);

  // The holder's page waits and issues nothing.
  const waiting = await openLink(browser, link);
  await expect(waiting.getByTestId("redeem-error")).toHaveAttribute("data-code", "token_pending_approval");
  await expect(waiting.getByTestId("redeem-error")).toContainText("waiting for approval by 1 more person");
  await expect(waiting.getByRole("button", { name: "Generate key and get certificate" })).toHaveCount(0);
  expect(await (await db()).clientCertificate.count({ where: { token: { id: token.id } } })).toBe(0);

  // Its creator sees it on the Approvals page, with why they cannot answer it instead of buttons.
  await page.goto("/approvals");
  const own = page.getByRole("article", { name: `Token ${name}` });
  await expect(own.getByTestId("cannot-answer")).toHaveText("You created this token or changed what its certificate will say; someone else must approve it.");
  await expect(own.getByRole("button", { name: `Approve ${name}` })).toHaveCount(0);

  // A second admin: the count in the navigation and on the dashboard, the certificate-to-be, an approval with a comment.
  const second = await signedIn(browser, "admin");
  await expect(second.nav.getByTestId("nav-count-approvals")).toHaveText("1 waiting for you");
  await second.page.goto(`/?frontdoor=${frontdoor.id}`);
  await expect(second.page.getByTestId("stat-pending-approval")).toHaveText("1");
  await second.nav.getByRole("link", { name: /^Approvals/ }).click();
  await expect(second.page.getByRole("heading", { name: "Approvals", level: 1 })).toBeVisible();
  const card = second.page.getByRole("article", { name: `Token ${name}` });
  const carries = card.getByTestId("certificate-to-be");
  await expect(carries).toContainText("approved.example.com");
  await expect(carries).toContainText("Example Corp");
  await expect(carries).toContainText("clientAuth");
  await expect(carries).toContainText(`${token.validDays} days from redemption`);
  await expect(card).toContainText(`${e2eAdmin.email},`);
  await expect(card.getByTestId("approval-progress")).toHaveText("0 of 1 approval given; waiting for 1 more approval.");
  for (const scheme of ["dark", "light"] as const) {
    await second.page.emulateMedia({ colorScheme: scheme });
    await expectAccessible(second.page, `Approvals page (${scheme})`);
  }
  await screenshot(second.page, testInfo, "approvals-page");
  await card.getByLabel("Comment (optional)").fill("Ticket OPS-42 checked");
  await card.getByRole("button", { name: `Approve ${name}` }).click();
  await expect(card).toHaveCount(0); // no longer waiting
  await expect(second.nav.getByTestId("nav-count-approvals")).toHaveCount(0);
  expect(await (await db()).tokenApproval.findMany({ where: { tokenId: token.id }, select: { userEmail: true, decision: true, comment: true } })).toEqual([
    { userEmail: second.user.email, decision: "approve", comment: "Ticket OPS-42 checked" },
  ]);

  // The same link now issues: the key is made in the browser.
  const holder = await openLink(browser, link);
  await holder.getByRole("button", { name: "Generate key and get certificate" }).click();
  await expect(holder.getByTestId("issued-cn")).toHaveText("approved.example.com");
  expect((await (await db()).certificateRequestToken.findUniqueOrThrow({ where: { id: token.id } })).redeemedAt).not.toBeNull();

  // The token page lists the approval and its comment.
  await second.page.goto(`/tokens/${token.id}`);
  await expect(second.page.getByTestId("approval-progress")).toHaveText("1 of 1 approval given; approved.");
  const answer = second.page.getByRole("list", { name: "Answers" }).getByTestId("approval-answer");
  await expect(answer).toHaveCount(1);
  await expect(answer).toContainText(`approved by ${second.user.email}`);
  await expect(answer.getByTestId("approval-comment")).toHaveText("“Ticket OPS-42 checked”");
});

test("one rejection, given on the token page, rejects the token for good; an auditor is told why they cannot answer", async ({ browser }) => {
  const frontdoor = await ownFrontdoor("rejections");
  const { updateFrontdoor } = await import("@/lib/domain/frontdoors");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  await updateFrontdoor(systemPrincipal("e2e"), frontdoor.id, { approvals: { required: 2 } });
  const token = await makeToken({ name: `Rejected ${Date.now()}`, commonName: "rejected.example.com" }, frontdoor.id);

  const auditor = await signedIn(browser, "auditor");
  await auditor.page.goto("/approvals");
  await expect(auditor.page.getByRole("article", { name: `Token ${token.name}` }).getByTestId("cannot-answer")).toHaveText("Auditors do not answer approvals.");

  const second = await signedIn(browser, "admin");
  await second.page.goto(`/tokens/${token.id}`);
  await expect(second.page.getByTestId("approval-progress")).toHaveText("0 of 2 approvals given; waiting for 2 more approvals.");
  await expectAccessible(second.page, "token page with its answer form"); // before any toast, which axe catches mid-animation
  await second.page.getByLabel("Comment (optional)").fill("Not in the inventory");
  await second.page.getByRole("button", { name: `Reject ${token.name}` }).click();
  await second.page.getByRole("dialog").getByRole("button", { name: "Reject token" }).click();
  await expect(second.page.getByTestId("token-status")).toHaveText("rejected");
  await expect(second.page.getByTestId("approval-answer")).toContainText(`rejected by ${second.user.email}`);
  await expect(second.page.getByTestId("approval-comment")).toHaveText("“Not in the inventory”");

  await second.page.goto(`/tokens?frontdoor=${frontdoor.id}&status=rejected`);
  await expect(second.page.getByTestId(`token-row-${token.id}`).getByTestId("token-status")).toHaveText("rejected");

  const holder = await openLink(browser, new URL(linkPath(token), second.page.url()).toString());
  await expect(holder.getByTestId("redeem-error")).toHaveAttribute("data-code", "token_rejected");
  await expect(holder.getByTestId("redeem-error")).toContainText("rejected by an approver");
  await expect(holder.getByRole("button", { name: "Generate key and get certificate" })).toHaveCount(0);
  const stored = await (await db()).certificateRequestToken.findUniqueOrThrow({ where: { id: token.id }, select: { rejectedAt: true, redeemedAt: true } });
  expect(stored.rejectedAt).not.toBeNull();
  expect(stored.redeemedAt).toBeNull();
});

test("a batch is approved at once: one comment, every token of it active", async ({ browser }) => {
  const frontdoor = await ownFrontdoor("batch-approvals");
  const { updateFrontdoor } = await import("@/lib/domain/frontdoors");
  const { createTokenBatch } = await import("@/lib/domain/tokens");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  await updateFrontdoor(systemPrincipal("e2e"), frontdoor.id, { approvals: { required: 1 } });
  const stamp = Date.now();
  const { tokens } = await createTokenBatch(systemPrincipal("e2e"), frontdoor.id, { json: { tokens: [1, 2, 3].map((i) => ({ name: `Batch ${stamp} ${i}`, commonName: `batch-${i}.example.com` })) } });
  const batchId = (await (await db()).certificateRequestToken.findUniqueOrThrow({ where: { id: tokens[0]!.id } })).batchId!;

  const second = await signedIn(browser, "admin");
  await second.page.goto("/approvals");
  const batch = second.page.getByRole("region", { name: `Batch ${batchId}` });
  await expect(batch.getByTestId("pending-token")).toHaveCount(3);
  await batch.getByLabel("Comment for every token of the batch (optional)").fill("Rollout week");
  await batch.getByRole("button", { name: "Approve all 3 of this batch" }).click();
  await expect(batch).toHaveCount(0);
  const stored = await (await db()).certificateRequestToken.findMany({ where: { id: { in: tokens.map((t) => t.id) } }, select: { approvedAt: true, approvals: { select: { userEmail: true, comment: true } } } });
  expect(stored.map((t) => [t.approvedAt !== null, t.approvals])).toEqual(tokens.map(() => [true, [{ userEmail: second.user.email, comment: "Rollout week" }]]));
});
