import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { e2eAdmin } from "../playwright.config";
import { signIn } from "./support/auth";
import { db } from "./support/db";
import { expect, test } from "./support/test";
import { defaultFrontdoorId, linkPath } from "./support/tokens";

// Issue 20.1's journey: an operator gives a token subject alternative names in the console's
// "More names", the holder sees them on the redemption page before generating anything, and
// the certificate the page hands out carries exactly them (judged by openssl).

const openssl = (args: string[]) => execFileSync("openssl", args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });

test("a token with SANs made in the console gives a certificate with exactly those SANs", async ({ page }) => {
  const name = `SAN agent ${Date.now()}`;
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.goto(`/tokens/new?frontdoor=${await defaultFrontdoorId()}`);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Common name (CN)").fill("agent-7.ci.example.com");

  // Folded away until asked for.
  const dnsField = page.getByLabel("DNS names");
  await expect(dnsField).toBeHidden();
  await page.getByText("More names (DNS, IP, URI, email)").click();
  await dnsField.fill("agent-7.ci.example.com\nbad..example.com");
  await page.getByLabel("IP addresses").fill("10.0.0.7\n2001:db8::7");
  await page.getByLabel("URIs").fill("spiffe://ci.example.com/agent/7");
  await page.getByLabel("Email addresses").fill("CI@Example.com");

  // A bad value: the error stands beside its field and names the value; nothing is created.
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.locator("#san-dns-error")).toContainText("bad..example.com");
  await expect(dnsField).toHaveAttribute("aria-invalid", "true");
  expect(await (await db()).certificateRequestToken.count({ where: { name } })).toBe(0);

  await dnsField.fill("agent-7.ci.example.com\n\nagent-7.example.com");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByRole("heading", { name: "Token created" })).toBeVisible();
  const redemptionUrl = (await page.getByTestId("redemption-link").textContent())!.trim();
  const sans = { dns: ["agent-7.ci.example.com", "agent-7.example.com"], ip: ["10.0.0.7", "2001:db8::7"], uri: ["spiffe://ci.example.com/agent/7"], email: ["CI@example.com"] };
  const stored = await (await db()).certificateRequestToken.findFirstOrThrow({ where: { name }, select: { id: true, subjectAltNames: true } });
  expect(stored.subjectAltNames).toEqual(sans);

  // The token's page lists them.
  await page.goto(`/tokens/${stored.id}`);
  await expect(page.getByTestId("san-dns")).toHaveText(/agent-7\.ci\.example\.com\s*agent-7\.example\.com/);
  await expect(page.getByTestId("san-uri")).toHaveText("spiffe://ci.example.com/agent/7");

  // The holder sees them before anything is generated, then gets them in the certificate.
  await page.goto(linkPath({ redemptionUrl }));
  const subject = page.getByTestId("subject");
  await expect(page.getByText("Your certificate will say…")).toBeVisible();
  await expect(subject).toContainText("agent-7.ci.example.com, agent-7.example.com");
  await expect(subject).toContainText("10.0.0.7, 2001:db8::7");
  await expect(subject).toContainText("spiffe://ci.example.com/agent/7");
  await expect(subject).toContainText("CI@example.com");
  await page.getByRole("button", { name: "Generate key and get certificate" }).click();
  await expect(page.getByTestId("progress")).toContainText("✓ Done");

  const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-sans-"));
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download cert.pem" }).click()]);
  const certFile = path.join(dir, file.suggestedFilename());
  await file.saveAs(certFile);
  expect(openssl(["x509", "-in", certFile, "-noout", "-ext", "subjectAltName"]).split("\n").slice(1).join(" ").trim()).toBe(
    "DNS:agent-7.ci.example.com, DNS:agent-7.example.com, IP Address:10.0.0.7, IP Address:2001:DB8:0:0:0:0:0:7, URI:spiffe://ci.example.com/agent/7, email:CI@example.com",
  );

  // …and the certificate's page in the console shows the same.
  const certificate = await (await db()).clientCertificate.findFirstOrThrow({ where: { token: { id: stored.id } }, select: { id: true, subjectAltNames: true } });
  expect(certificate.subjectAltNames).toEqual(sans);
  await page.goto(`/certificates/${certificate.id}`);
  await expect(page.getByTestId("san-email")).toHaveText("CI@example.com");
  await expect(page.getByTestId("san-ip")).toHaveText(/10\.0\.0\.7\s*2001:db8::7/);
});
