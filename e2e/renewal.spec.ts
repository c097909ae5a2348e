import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { e2eAdmin } from "../playwright.config";
import { signIn } from "./support/auth";
import { db } from "./support/db";

// `certdoor renew` against a running server, as a daily timer runs it: renewed (exit 0, a
// new cert.pem, the same key.pem), not due (exit 3, nothing touched), revoked (1, untouched).

const root = path.resolve(import.meta.dirname, "..");
const certdoor = (args: string[]) => spawnSync(process.execPath, ["--conditions=react-server", path.join(root, "bin", "certdoor.mjs"), ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });

async function redeemed(baseURL: string, validDays: number) {
  await db();
  const { createToken } = await import("@/lib/domain/tokens");
  const { systemPrincipal } = await import("@/lib/domain/principal");
  const frontdoor = await (await db()).frontdoor.findUniqueOrThrow({ where: { name: "default" } });
  const token = await createToken(systemPrincipal("e2e"), frontdoor.id, { name: `renew ${validDays}`, commonName: "timer.example.com", validDays });
  const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-renew-"));
  expect(certdoor(["redeem", "--server", baseURL, "--frontdoor", frontdoor.id, "--token", token.token, "--out", dir]).status).toBe(0);
  const files = { cert: path.join(dir, "cert.pem"), key: path.join(dir, "key.pem") };
  return { frontdoorId: frontdoor.id, files, renew: () => certdoor(["renew", "--server", baseURL, "--frontdoor", frontdoor.id, "--cert", files.cert, "--key", files.key]) };
}

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
});
