import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "./support/test";
import { e2eAdmin } from "../playwright.config";
import { gatewayConfig } from "@/lib/console/gateway-config";
import { askOcsp } from "@/lib/testing/ocsp-client";
import { signIn } from "./support/auth";
import { redeemed } from "./support/certdoor";
import { db } from "./support/db";
import { startNginx } from "./support/nginx";
import { mtlsServer, peerCn } from "./support/tls";

// A gateway that trusts Certdoor's CA and asks OCSP at every handshake, finding both the
// issuer (AIA CA Issuers) and the responder (AIA OCSP) in the client's certificate alone,
// as nginx's `ssl_ocsp` does: a valid certificate gets in, a revoked one does not. And
// nginx itself, running the configuration the console shows.

/** The certificate's AIA entry of a kind ("OCSP" or "CA Issuers"), as Node prints it. */
const aia = (cert: X509Certificate, kind: string) => new RegExp(`^${kind} - URI:(.+)$`, "m").exec(cert.infoAccess ?? "")?.[1];

async function gateway(caChainPem: string, dir: string) {
  const verdicts: string[] = [];
  const server = await mtlsServer(caChainPem, dir, async (socket) => {
    try {
      const leaf = socket.getPeerX509Certificate()!;
      const issuer = new X509Certificate(Buffer.from(await (await fetch(aia(leaf, "CA Issuers")!)).arrayBuffer()));
      if (!leaf.checkIssued(issuer) || !leaf.verify(issuer.publicKey)) throw new Error("not issued by the CA Issuers certificate");
      const verdict = await askOcsp(aia(leaf, "OCSP")!, leaf, issuer);
      verdicts.push(verdict.status);
      if (verdict.status !== "good") return socket.destroy();
      socket.end(`hello ${peerCn(socket)}\n`);
    } catch (error) {
      verdicts.push(`error: ${(error as Error).message}`);
      socket.destroy();
    }
  });
  return { ...server, verdicts };
}

test("a gateway asking OCSP through the certificate's own pointers lets a valid certificate in and refuses it once revoked", async ({ baseURL }) => {
  const { files, dir, frontdoorId } = await redeemed(baseURL!, 30, "gateway-client.example.com");
  const chain = await (await fetch(`${baseURL}/frontdoor/${frontdoorId}/ca.pem`)).text();
  const leaf = new X509Certificate(readFileSync(files.cert));
  expect(aia(leaf, "OCSP")).toBe(`${baseURL}/frontdoor/${frontdoorId}/ocsp`);
  // openssl as the README shows it, against the production server: -url, the nonce, the chain.
  const end = "-----END CERTIFICATE-----";
  writeFileSync(path.join(dir, "ca-1.pem"), chain.slice(0, chain.indexOf(end) + end.length) + "\n");
  writeFileSync(path.join(dir, "ca-2.pem"), chain.slice(chain.indexOf(end) + end.length).trim() + "\n");
  const opensslOcsp = () =>
    execFileSync("sh", ["-c", `openssl ocsp -issuer ca-1.pem -cert cert.pem -CAfile ca-2.pem -url "${aia(leaf, "OCSP")}" 2>&1`], { cwd: dir, encoding: "utf8" });
  const gw = await gateway(chain, dir);
  try {
    expect(await gw.connect(files)).toBe("hello CN=gateway-client.example.com\n");
    expect(opensslOcsp()).toMatch(/Response verify OK\s+cert\.pem: good/);
    await revoke(frontdoorId, files.cert);
    expect(await gw.connect(files)).toBe("");
    expect(gw.verdicts).toEqual(["good", "revoked"]);
    expect(opensslOcsp()).toMatch(/Response verify OK\s+cert\.pem: revoked\s+This Update: .*\s+Next Update: .*\s+Reason: keyCompromise/);
  } finally {
    gw.close();
  }
});

test("the Frontdoor's page shows where certificates point and how to configure nginx and Envoy", async ({ baseURL, page }) => {
  const frontdoor = await (await db()).frontdoor.findUniqueOrThrow({ where: { name: "default" } });
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.goto("/frontdoors");
  await page.getByRole("link", { name: "default", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/frontdoors/${frontdoor.id}$`));
  const base = `${baseURL}/frontdoor/${frontdoor.id}`;
  await expect(page.getByTestId("address-crl")).toHaveText(`${base}/crl`);
  await expect(page.getByTestId("address-ocsp")).toHaveText(`${base}/ocsp`);
  await expect(page.getByTestId("address-ca-issuers")).toHaveText(`${base}/ca.crt`);
  await expect(page.getByTestId("snippet-nginx")).toContainText("ssl_crl /etc/certdoor/default-crl.pem;");
  await expect(page.getByTestId("snippet-nginx")).toContainText(`ssl_ocsp_responder ${base}/ocsp;`);
  await expect(page.getByTestId("snippet-envoy")).toContainText("crl: { filename: /etc/certdoor/default-crl.pem }");
  // Every address the page shows answers with what it names.
  for (const [url, type] of [[`${base}/crl`, "application/pkix-crl"], [`${base}/crl?format=pem`, "application/x-pem-file"], [`${base}/ca.crt`, "application/pkix-cert"], [`${base}/ca.pem`, "application/x-pem-file"]]) {
    const res = await fetch(url!);
    expect([url, res.status, res.headers.get("content-type")]).toEqual([url, 200, type]);
  }
  await page.goto("/frontdoors/00000000-0000-4000-8000-000000000000");
  await expect(page.getByText(/not found|could not be found/i).first()).toBeVisible();
});

/** Revokes the certificate in `cert.pem` as an administrator would (it is on the CRL at once). */
async function revoke(frontdoorId: string, certFile: string) {
  const { revokeCertificate } = await import("@/lib/domain/certificates");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  const row = await (await db()).clientCertificate.findFirstOrThrow({ where: { certificatePem: readFileSync(certFile, "utf8") } });
  await revokeCertificate(systemPrincipal("e2e"), frontdoorId, row.id, { reason: "keyCompromise" });
}

for (const mode of ["crl", "ocsp"] as const) {
  test(`nginx with the console's configuration (${mode}) admits a Certdoor certificate and refuses it once revoked`, async ({ baseURL }) => {
    const { files, dir, frontdoorId } = await redeemed(baseURL!, 30, `nginx-${mode}.example.com`);
    const config = gatewayConfig(baseURL!, { id: frontdoorId, name: "default" });
    const fetchTo = (url: string, file: string) => execFileSync("curl", ["-fsS", url, "-o", path.join(dir, file)]);
    fetchTo(config.caChainPem, "default-ca.pem");
    fetchTo(config.crlPem, "default-crl.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(dir, "server.key"), "-out", path.join(dir, "server.pem"), "-subj", "/CN=nginx", "-days", "1"], { stdio: "ignore" });
    const nginx = await startNginx(config.nginx, dir, { ocsp: mode === "ocsp" });
    try {
      expect(nginx.request(files)).toEqual({ status: 200, body: `hello CN=nginx-${mode}.example.com` });
      await revoke(frontdoorId, files.cert);
      if (mode === "crl") {
        fetchTo(config.crlPem, "default-crl.pem");
        await nginx.reload();
      }
      await expect.poll(() => nginx.request(files).status, { timeout: 10_000 }).toBe(400);
      expect(nginx.request(files).body).toContain("The SSL certificate error");
    } finally {
      nginx.stop();
    }
  });
}
