import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "./support/test";
import { e2eAdmin } from "../playwright.config";
import { asOperatorAndAuditor, signIn } from "./support/auth";
import { certdoor, ownFrontdoor } from "./support/certdoor";
import { db } from "./support/db";
import { startNginx } from "./support/nginx";
import { mtlsServer, peerCn } from "./support/tls";

// CA key rotation as an administrator does it in the console, judged by a TLS server that
// demands a client certificate and trusts the Frontdoor's ca.pem as downloaded after the
// rotation: a certificate from before and one from after both get in. The spec rotates a
// Frontdoor of its own: specs running beside it use "default".

const certs = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];

const newFrontdoor = () => ownFrontdoor("rotation");

/** A certificate as a system gets one: a token made through the domain, `certdoor redeem` against the server. */
async function redeemOn(baseURL: string, frontdoorId: string, commonName: string) {
  const { createToken } = await import("@/lib/domain/tokens");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  const token = await createToken(systemPrincipal("e2e"), frontdoorId, { name: commonName, commonName });
  const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-rotation-e2e-"));
  const run = certdoor(["redeem", "--server", baseURL, "--frontdoor", frontdoorId, "--token", token.token, "--out", dir]);
  expect(run.status, run.stderr).toBe(0);
  return { dir, cert: path.join(dir, "cert.pem"), key: path.join(dir, "key.pem") };
}

/** A TLS server that demands a client certificate chaining to `caPem`, and greets it by its CN. */
const gateway = (caPem: string, dir: string) => mtlsServer(caPem, dir, (socket) => socket.end(`hello ${peerCn(socket)}\n`));

test("an administrator rotates the issuing CA in the console; a TLS server trusting the new ca.pem admits certificates from before and after", async ({ baseURL, page }) => {
  const frontdoor = await newFrontdoor();
  const caPemUrl = `${baseURL}/frontdoor/${frontdoor.id}/ca.pem`;
  const before = await redeemOn(baseURL!, frontdoor.id, "before-rotation.example.com");
  const oldBundle = await (await fetch(caPemUrl)).text();
  expect(certs(oldBundle)).toHaveLength(2);

  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.goto(`/frontdoors/${frontdoor.id}`);
  await expect(page.getByTestId("issuing-cas").getByRole("listitem")).toHaveCount(1);
  await expect(page.getByTestId("ca-1")).toContainText("current: signs new certificates");

  // The confirmation says what happens; cancelling changes nothing.
  const rotate = page.getByRole("button", { name: "Rotate issuing CA" });
  await rotate.click();
  const dialog = page.getByRole("dialog", { name: `Rotate the issuing CA of ${frontdoor.name}?` });
  await expect(dialog).toContainText("signs every certificate from now on");
  await expect(dialog).toContainText("keeps signing the CRL and OCSP answers for the certificates it issued until the last of them expires");
  await expect(dialog).toContainText(`/frontdoor/${frontdoor.id}/ca.pem again`);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  expect(await (await db()).certificateAuthority.count({ where: { frontdoorId: frontdoor.id } })).toBe(1);

  await rotate.click();
  await dialog.getByRole("button", { name: "Rotate CA" }).click();
  await expect(page.getByTestId("ca-2")).toContainText("current: signs new certificates");
  await expect(page.getByTestId("ca-1")).toContainText("retired: answers for its certificates until");
  const cas = await (await db()).certificateAuthority.findMany({ where: { frontdoorId: frontdoor.id }, orderBy: { generation: "asc" } });
  expect(cas.map((c) => c.retiredAt === null)).toEqual([false, true]);
  const event = await (await db()).auditEvent.findFirstOrThrow({ where: { action: "ca.rotated", frontdoorId: frontdoor.id } });
  expect(event).toMatchObject({ actorKind: "user", actorLabel: e2eAdmin.email, targetId: cas[1]!.id });

  // Several: the server runs a worker per core, and connections take turns; every worker signs with the new CA at once.
  const [after, ...more] = await Promise.all([1, 2, 3].map((n) => redeemOn(baseURL!, frontdoor.id, n === 1 ? "after-rotation.example.com" : `after-${n}.example.com`)));
  for (const issued of [after!, ...more]) expect(new X509Certificate(readFileSync(issued.cert)).verify(new X509Certificate(cas[1]!.certificatePem).publicKey)).toBe(true);
  expect(new X509Certificate(readFileSync(before.cert)).verify(new X509Certificate(cas[0]!.certificatePem).publicKey)).toBe(true);

  const newBundle = await (await fetch(caPemUrl)).text();
  expect(certs(newBundle)).toHaveLength(3);
  const fresh = await gateway(newBundle, before.dir);
  // A gateway still holding the ca.pem from before the rotation refuses the new CA's certificates: why gateways refetch it.
  const stale = await gateway(oldBundle, after!.dir);
  try {
    expect(await fresh.connect(before)).toBe("hello CN=before-rotation.example.com\n");
    expect(await fresh.connect(after!)).toBe("hello CN=after-rotation.example.com\n");
    expect(await stale.connect(before)).toBe("hello CN=before-rotation.example.com\n");
    expect(await stale.connect(after!)).toBe("");
  } finally {
    fresh.close();
    stale.close();
  }
});

test("operators and auditors see the Frontdoor's issuing CAs but no rotate button", async ({ page }) => {
  const frontdoor = await newFrontdoor();
  await asOperatorAndAuditor(page, frontdoor.id, async () => {
    await expect(page.getByTestId("ca-1")).toContainText("current: signs new certificates");
    await expect(page.getByRole("button", { name: "Rotate issuing CA" })).toHaveCount(0);
  });
  expect(await (await db()).certificateAuthority.count({ where: { frontdoorId: frontdoor.id } })).toBe(1);
});

for (const mode of ["crl", "ocsp"] as const) {
  test(`nginx with the console's configuration (${mode}) admits certificates from before and after a rotation, and refuses the old one once revoked`, async ({ baseURL }) => {
    const { gatewayConfig } = await import("@/lib/console/gateway-config");
    const { rotateFrontdoorCa } = await import("@/lib/domain/ca/rotate");
    const { revokeCertificate } = await import("@/lib/domain/certificates");
    const { systemPrincipal } = await import("@/lib/domain/access/principal");
    const frontdoor = await newFrontdoor();
    const before = await redeemOn(baseURL!, frontdoor.id, `nginx-before-${mode}.example.com`);
    await rotateFrontdoorCa(systemPrincipal("e2e"), frontdoor.id);
    const after = await redeemOn(baseURL!, frontdoor.id, `nginx-after-${mode}.example.com`);

    // The files as the console's refresh lines fetch them, after the rotation.
    const config = gatewayConfig(baseURL!, frontdoor);
    const dir = before.dir;
    const file = `${dir}/${frontdoor.name}`;
    execFileSync("curl", ["-fsS", config.caChainPem, "-o", `${file}-ca.pem`]);
    execFileSync("curl", ["-fsS", config.crlPem, "-o", `${file}-crl.pem`]);
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(dir, "server.key"), "-out", path.join(dir, "server.pem"), "-subj", "/CN=nginx", "-days", "1"], { stdio: "ignore" });
    const nginx = await startNginx(config.nginx, dir, { ocsp: mode === "ocsp" });
    try {
      expect(nginx.request(before)).toEqual({ status: 200, body: `hello CN=nginx-before-${mode}.example.com` });
      expect(nginx.request(after)).toEqual({ status: 200, body: `hello CN=nginx-after-${mode}.example.com` });
      const row = await (await db()).clientCertificate.findFirstOrThrow({ where: { frontdoorId: frontdoor.id, commonName: `nginx-before-${mode}.example.com` } });
      await revokeCertificate(systemPrincipal("e2e"), frontdoor.id, row.id, { reason: "keyCompromise" });
      if (mode === "crl") {
        execFileSync("curl", ["-fsS", config.crlPem, "-o", `${file}-crl.pem`]);
        await nginx.reload();
      }
      await expect.poll(() => nginx.request(before).status, { timeout: 10_000 }).toBe(400);
      expect(nginx.request(after).status).toBe(200);
    } finally {
      nginx.stop();
    }
  });
}
