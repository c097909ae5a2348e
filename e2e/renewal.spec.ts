import { readFileSync } from "node:fs";
import { expect, test } from "./support/test";
import { e2eAdmin } from "../playwright.config";
import { signIn } from "./support/auth";
import { redeemed } from "./support/certdoor";
import { db } from "./support/db";

// `certdoor renew` against a running server, as a daily timer runs it: renewed (exit 0, a
// new cert.pem, the same key.pem), not due (exit 3, nothing touched), revoked (1, untouched).

test("certdoor renew: renewed, not due yet, revoked; the console links the old and the new certificate", async ({ baseURL, page }) => {
  const due = await redeemed(baseURL!, 1);
  const [oldCert, oldKey] = [readFileSync(due.files.cert, "utf8"), readFileSync(due.files.key, "utf8")];
  const renewed = due.renew();
  expect(renewed.status, renewed.stderr).toBe(0);
  expect(renewed.stdout).toMatch(/^Renewed: .*cert\.pem is valid until /);
  const newCert = readFileSync(due.files.cert, "utf8");
  expect(newCert).not.toBe(oldCert);
  expect(readFileSync(due.files.key, "utf8")).toBe(oldKey);
  const rows = await (await db()).clientCertificate.findMany({ where: { certificatePem: { in: [oldCert, newCert] } }, select: { id: true, renewedFromId: true, certificatePem: true } });
  const [oldId, newId] = [rows.find((r) => r.certificatePem === oldCert)!.id, rows.find((r) => r.certificatePem === newCert)!.id];
  expect(rows.find((r) => r.id === newId)?.renewedFromId).toBe(oldId);
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.goto(`/certificates/${oldId}`);
  await page.getByRole("link", { name: newId }).click();
  await expect(page).toHaveURL(new RegExp(`/certificates/${newId}$`));
  await expect(page.getByRole("link", { name: oldId })).toBeVisible();

  const notDue = await redeemed(baseURL!, 365);
  const before = readFileSync(notDue.files.cert, "utf8");
  const early = notDue.renew();
  expect(early.status).toBe(3);
  expect(early.stderr).toMatch(/renewal_too_early: Renewal opens at /);
  expect(readFileSync(notDue.files.cert, "utf8")).toBe(before);

  const revoked = await redeemed(baseURL!, 1);
  const current = readFileSync(revoked.files.cert, "utf8");
  await (await db()).clientCertificate.updateMany({ where: { certificatePem: current }, data: { revokedAt: new Date(), revocationReason: "keyCompromise" } });
  const refused = revoked.renew();
  expect(refused.status).toBe(1);
  expect(refused.stderr).toMatch(/certificate_revoked/);
  expect(readFileSync(revoked.files.cert, "utf8")).toBe(current);

  // The console's filters and the dashboard count the renewal.
  const notDueId = (await (await db()).clientCertificate.findFirstOrThrow({ where: { certificatePem: before } })).id;
  await page.goto(`/certificates?frontdoor=${due.frontdoorId}&renewed=true`);
  await expect(page.getByTestId(`certificate-row-${oldId}`)).toContainText("renewed");
  await expect(page.getByTestId(`certificate-row-${newId}`)).toHaveCount(0);
  await page.getByLabel("Renewal").selectOption("false");
  await page.getByLabel("Ends").selectOption("P30D");
  await expect(page.getByTestId(`certificate-row-${newId}`)).toBeVisible();
  await expect(page.getByTestId(`certificate-row-${oldId}`)).toHaveCount(0);
  await expect(page.getByTestId(`certificate-row-${notDueId}`)).toHaveCount(0);
  await page.goto(`/?frontdoor=${due.frontdoorId}`);
  const renewedCount = await (await db()).clientCertificate.count({ where: { frontdoorId: due.frontdoorId, renewedAt: { not: null } } });
  await expect(page.getByTestId("stat-certs-renewed")).toHaveText(String(renewedCount));
  await page.getByTestId("stat-certs-renewed").click();
  await expect(page).toHaveURL(/\/certificates\?.*renewed=true/);
});
