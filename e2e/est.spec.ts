import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "./support/test";
import { db } from "./support/db";
import { defaultFrontdoorId, makeToken } from "./support/tokens";

// EST against the production server with nothing but openssl, base64 and curl, the
// README's commands as a device would paste them: cacerts, then simpleenroll with the token
// as the Basic password, the answer read by `openssl pkcs7` and judged by `openssl verify`.

test("EST with openssl and curl: cacerts, simpleenroll with the token as Basic password, openssl verifies; the token is single-use", async ({ baseURL }) => {
  const frontdoorId = await defaultFrontdoorId();
  const token = await makeToken({ name: "est e2e", commonName: "est-device.example.com", organization: "Example Corp" });
  const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-est-"));
  const env = { ...process.env, CERTDOOR: baseURL!, FD: frontdoorId, TOKEN: token.token };
  const sh = (script: string) => execFileSync("bash", ["-c", `set -euo pipefail\n${script}`], { cwd: dir, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

  sh(`curl -fsS "$CERTDOOR/.well-known/est/$FD/cacerts" | base64 -d | openssl pkcs7 -inform DER -print_certs \\
  | awk '/BEGIN/{n++} n{print > ("ca-" n ".pem")}'`);
  const cacerts = await fetch(`${baseURL}/.well-known/est/${frontdoorId}/cacerts`);
  expect([cacerts.headers.get("content-type"), cacerts.headers.get("content-transfer-encoding")]).toEqual(["application/pkcs7-mime", "base64"]);
  // The two certificates are the ones ca.pem serves, issuing CA first.
  const chain = (await (await fetch(`${baseURL}/frontdoor/${frontdoorId}/ca.pem`)).text()).match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  const fromCacerts = ["ca-1.pem", "ca-2.pem"].map((f) => readFileSync(path.join(dir, f), "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/)?.[0]);
  expect(chain).toHaveLength(2);
  expect(fromCacerts).toEqual(chain);

  sh(`openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem \\
  -subj /CN=device -outform DER | base64 > csr.b64`);
  sh(`curl -fsS -u "est:$TOKEN" -H 'Content-Type: application/pkcs10' --data-binary @csr.b64 \\
  "$CERTDOOR/.well-known/est/$FD/simpleenroll" | base64 -d | openssl pkcs7 -inform DER -print_certs > cert.pem`);
  expect(sh("openssl verify -CAfile ca-2.pem -untrusted ca-1.pem -purpose sslclient cert.pem")).toBe("cert.pem: OK\n");
  // The token's subject, not the request's; and the request's key.
  expect(sh("openssl x509 -in cert.pem -noout -subject -nameopt RFC2253")).toBe("subject=CN=est-device.example.com,O=Example Corp\n");
  expect(sh("openssl x509 -in cert.pem -noout -pubkey")).toBe(sh("openssl pkey -in key.pem -pubout"));

  // The database holds one redemption: the token is claimed by this very certificate.
  const row = await (await db()).certificateRequestToken.findUniqueOrThrow({ where: { id: token.id }, select: { redeemedAt: true, clientCertificate: { select: { certificatePem: true } } } });
  expect(row.redeemedAt).not.toBeNull();
  expect(row.clientCertificate?.certificatePem.trim()).toBe(readFileSync(path.join(dir, "cert.pem"), "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/)?.[0]);

  // A second enrollment with the same token: curl -f fails, the server said 409 in plain text.
  const again = spawnSync("sh", ["-c", `curl -fsS -u "est:$TOKEN" -H 'Content-Type: application/pkcs10' --data-binary @csr.b64 "$CERTDOOR/.well-known/est/$FD/simpleenroll"`], { cwd: dir, env, encoding: "utf8" });
  expect(again.status).toBe(22);
  expect(again.stderr).toContain("409");
  const refused = sh(`curl -sS -o refusal.txt -w '%{http_code} %{content_type}' -u "est:$TOKEN" -H 'Content-Type: application/pkcs10' --data-binary @csr.b64 "$CERTDOOR/.well-known/est/$FD/simpleenroll"`);
  expect(refused).toBe("409 text/plain; charset=utf-8");
  expect(readFileSync(path.join(dir, "refusal.txt"), "utf8")).toMatch(/^token_already_used: /);

  // Without a credential: the Basic challenge EST clients answer.
  const challenge = sh(`curl -sS -o /dev/null -D - -H 'Content-Type: application/pkcs10' --data-binary @csr.b64 "$CERTDOOR/.well-known/est/$FD/simpleenroll"`);
  expect(challenge).toMatch(/^HTTP\/1\.1 401 /);
  expect(challenge).toMatch(/^www-authenticate: Basic realm="certdoor EST"\r$/im);
});
