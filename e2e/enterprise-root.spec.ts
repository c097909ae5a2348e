import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "./support/test";
import { e2eAdmin } from "../playwright.config";
import { asOperatorAndAuditor, signIn } from "./support/auth";
import { certdoor, ownFrontdoor } from "./support/certdoor";
import { db } from "./support/db";
import { enterprisePki } from "../lib/testing/enterprise-root";

// An administrator puts a Frontdoor's issuing CA under an enterprise root in the console:
// makes and downloads the request, sees a certificate that is not a CA refused beside the
// upload, then uploads the one the (openssl) enterprise CA signed with its chain. A
// certificate redeemed afterwards verifies against the enterprise root alone. Operators and
// auditors are not offered the steps.

const certs = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];

test("an administrator makes the request, downloads it, and imports the certificate the enterprise root signed; a refusal shows its code", async ({ baseURL, page }) => {
  const frontdoor = await ownFrontdoor("enterprise");
  const pki = enterprisePki(mkdtempSync(path.join(os.tmpdir(), "certdoor-enterprise-e2e-")));
  const root = pki.root();
  const intermediate = pki.intermediate(root);

  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.goto(`/frontdoors/${frontdoor.id}`);
  const card = page.getByRole("heading", { name: "Enterprise root" }).locator("..");
  await expect(card.getByRole("button", { name: "Import and make current" })).toBeDisabled();
  await card.getByRole("button", { name: "Make request" }).click();
  await expect(page.getByTestId("pending-ca")).toContainText(`${frontdoor.name} issuing CA 2`);

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-csr").click()]);
  expect(download.suggestedFilename()).toBe(`${frontdoor.name}-issuing-ca.csr`);
  const csrPem = readFileSync((await download.path())!, "utf8");
  const pending = await (await db()).pendingIssuingCa.findUniqueOrThrow({ where: { frontdoorId: frontdoor.id } });
  expect(csrPem).toBe(pending.csrPem);

  writeFileSync(pki.file("chain.pem"), intermediate.pem + root.pem);
  writeFileSync(pki.file("leaf-like.pem"), pki.signRequest(csrPem, intermediate, ["basicConstraints=critical,CA:false"]));
  await card.getByLabel("Signed issuing CA certificate (PEM)").setInputFiles(pki.file("leaf-like.pem"));
  await card.getByLabel("Chain: intermediates and root (PEM)").setInputFiles(pki.file("chain.pem"));
  await card.getByRole("button", { name: "Import and make current" }).click();
  await expect(page.getByTestId("ca-import-refusal")).toContainText("ca_import_not_a_ca");
  await expect(page.getByTestId("ca-import-refusal")).toContainText("CA:TRUE");
  expect(await (await db()).certificateAuthority.count({ where: { frontdoorId: frontdoor.id } })).toBe(1);

  writeFileSync(pki.file("issuing.pem"), pki.signRequest(csrPem, intermediate));
  await card.getByLabel("Signed issuing CA certificate (PEM)").setInputFiles(pki.file("issuing.pem"));
  await card.getByRole("button", { name: "Import and make current" }).click();
  await expect(page.getByTestId("ca-2")).toContainText("current: signs new certificates");
  await expect(page.getByTestId("ca-2").getByTestId("enterprise-root")).toContainText("CN=Example Enterprise Root");
  await expect(page.getByTestId("ca-import-refusal")).toHaveCount(0);
  const current = await (await db()).certificateAuthority.findFirstOrThrow({ where: { frontdoorId: frontdoor.id, retiredAt: null } });
  expect(current).toMatchObject({ generation: 2, id: pending.id, parentId: null });
  const event = await (await db()).auditEvent.findFirstOrThrow({ where: { action: "ca.rotated", frontdoorId: frontdoor.id } });
  expect(event).toMatchObject({ actorKind: "user", actorLabel: e2eAdmin.email, targetId: current.id });

  // ca.pem as gateways fetch it, and a certificate a system redeems from the server: verified against the enterprise root alone.
  const bundle = await (await fetch(`${baseURL}/frontdoor/${frontdoor.id}/ca.pem`)).text();
  expect(certs(bundle)).toEqual([readFileSync(pki.file("issuing.pem"), "utf8"), intermediate.pem, root.pem]);
  const { createToken } = await import("@/lib/domain/tokens");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  const token = await createToken(systemPrincipal("e2e"), frontdoor.id, { name: "enterprise device", commonName: "device.example.com" });
  const out = mkdtempSync(path.join(os.tmpdir(), "certdoor-enterprise-leaf-"));
  const run = certdoor(["redeem", "--server", baseURL!, "--frontdoor", frontdoor.id, "--token", token.token, "--out", out]);
  expect(run.status, run.stderr).toBe(0);
  writeFileSync(pki.file("untrusted.pem"), certs(readFileSync(path.join(out, "ca.pem"), "utf8")).slice(0, -1).join(""));
  expect(execFileSync("openssl", ["verify", "-CAfile", root.certFile, "-untrusted", pki.file("untrusted.pem"), "-purpose", "sslclient", path.join(out, "cert.pem")], { encoding: "utf8" })).toMatch(/: OK/);
});

test("operators and auditors are not offered the enterprise-root steps", async ({ page }) => {
  const frontdoor = await ownFrontdoor("enterprise-read");
  await asOperatorAndAuditor(page, frontdoor.id, async () => {
    await expect(page.getByTestId("ca-1")).toContainText("current: signs new certificates");
    await expect(page.getByRole("heading", { name: "Enterprise root" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Make request" })).toHaveCount(0);
  });
  expect(await (await db()).pendingIssuingCa.count({ where: { frontdoorId: frontdoor.id } })).toBe(0);
});
