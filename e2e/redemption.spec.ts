import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "./support/test";
import { db, expectWholeRedemptions } from "./support/db";
import { startInstance } from "./support/server";

// Redemption as systems do it against a running Certdoor: the certdoor CLI, openssl + curl,
// and many requests at once on several instances.

const root = path.resolve(import.meta.dirname, "..");

async function defaultFrontdoor() {
  return (await db()).frontdoor.findUniqueOrThrow({ where: { name: "default" } });
}

async function newToken(name: string, fields: { commonName?: string } = { commonName: "ci-runner.example.com" }) {
  await db();
  const { createToken } = await import("@/lib/domain/tokens");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  return createToken(systemPrincipal("e2e"), (await defaultFrontdoor()).id, { name, ...fields });
}

function certdoor(args: string[]) {
  return spawnSync(process.execPath, ["--conditions=react-server", path.join(root, "bin", "certdoor.mjs"), ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });
}

const openssl = (args: string[]) => execFileSync("openssl", args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });

test("certdoor redeem: key made locally, files written, certificate verified by openssl and usable as PKCS#12", async ({ baseURL }) => {
  const frontdoor = await defaultFrontdoor();
  const token = await newToken("cli redeem");
  const out = mkdtempSync(path.join(os.tmpdir(), "certdoor-cli-"));
  const result = certdoor(["redeem", "--server", baseURL!, "--frontdoor", frontdoor.id, "--token", token.token, "--key", "ec-p384", "--out", out, "--p12-password", "p12 secret", "--json"]);
  expect(result.status, result.stderr).toBe(0);
  const printed = JSON.parse(result.stdout);
  expect(printed.certificate).toMatchObject({ commonName: "ci-runner.example.com", keyAlgorithm: "EC-P384", tokenId: token.id });
  expect(printed.files.map((f: string) => path.basename(f))).toEqual(["key.pem", "cert.pem", "ca.pem", "client.p12"]);
  expect(statSync(path.join(out, "key.pem")).mode & 0o777).toBe(0o600);

  const chain = readFileSync(path.join(out, "ca.pem"), "utf8");
  writeFileSync(path.join(out, "root.pem"), chain.slice(chain.indexOf("-----END CERTIFICATE-----") + 26));
  writeFileSync(path.join(out, "intermediate.pem"), chain.slice(0, chain.indexOf("-----END CERTIFICATE-----") + 26));
  expect(openssl(["verify", "-CAfile", path.join(out, "root.pem"), "-untrusted", path.join(out, "intermediate.pem"), "-purpose", "sslclient", path.join(out, "cert.pem")])).toContain("OK");
  const pub = (args: string[]) => openssl(args);
  expect(pub(["pkey", "-in", path.join(out, "key.pem"), "-pubout"])).toBe(pub(["x509", "-in", path.join(out, "cert.pem"), "-noout", "-pubkey"]));
  const p12Key = openssl(["pkcs12", "-in", path.join(out, "client.p12"), "-passin", "pass:p12 secret", "-nocerts", "-nodes"]);
  writeFileSync(path.join(out, "p12key.pem"), p12Key);
  expect(pub(["pkey", "-in", path.join(out, "p12key.pem"), "-pubout"])).toBe(pub(["pkey", "-in", path.join(out, "key.pem"), "-pubout"]));

  // The request carried the token in a header, never in the URL the server logs.
  const events = await (await db()).auditEvent.findMany({ where: { targetId: token.id }, orderBy: { id: "asc" } });
  expect(events.map((e) => e.action)).toEqual(["token.created", "token.redeemed"]);

  const again = certdoor(["redeem", "--server", baseURL!, "--frontdoor", frontdoor.id, "--token", token.token, "--out", mkdtempSync(path.join(os.tmpdir(), "certdoor-cli-"))]);
  expect(again.status).toBe(1);
  expect(again.stderr).toContain("token_already_used: This token was used already");
  const unknown = certdoor(["redeem", "--server", baseURL!, "--frontdoor", frontdoor.id, "--token", "crt_doesnotexistdoesnotexist0000", "--out", out, "--force"]);
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toContain("token_not_found: This token does not exist on this Frontdoor");
  const noServer = certdoor(["redeem", "--server", "http://127.0.0.1:9", "--frontdoor", frontdoor.id, "--token", token.token, "--out", out, "--force"]);
  expect(noServer.status).toBe(1);
  expect(noServer.stderr).toContain("Could not reach");
});

test("the README's three steps: openssl makes the key and CSR, curl redeems, openssl verifies", async ({ baseURL }) => {
  const frontdoor = await defaultFrontdoor();
  const token = await newToken("openssl and curl");
  const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-curl-"));
  openssl(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", `${dir}/key.pem`, "-out", `${dir}/req.csr`, "-subj", "/CN=ignored"]);
  const body = JSON.stringify({ type: "CSR", value: readFileSync(`${dir}/req.csr`, "utf8") });
  const response = execFileSync("curl", ["-sS", "-X", "POST", `${baseURL}/frontdoor/${frontdoor.id}/client-certificates/token/${token.token}`, "-H", "Content-Type: application/json", "-d", body], { encoding: "utf8" });
  const certificate = JSON.parse(response);
  expect(certificate.commonName).toBe("ci-runner.example.com");
  writeFileSync(`${dir}/cert.pem`, certificate.certificate);
  const chain = execFileSync("curl", ["-sS", `${baseURL}/frontdoor/${frontdoor.id}/ca.pem`], { encoding: "utf8" });
  writeFileSync(`${dir}/root.pem`, chain.slice(chain.indexOf("-----END CERTIFICATE-----") + 26));
  writeFileSync(`${dir}/intermediate.pem`, chain.slice(0, chain.indexOf("-----END CERTIFICATE-----") + 26));
  expect(openssl(["verify", "-CAfile", `${dir}/root.pem`, "-untrusted", `${dir}/intermediate.pem`, "-purpose", "sslclient", `${dir}/cert.pem`])).toContain("OK");
});

test("50 concurrent redemptions of one token across two app instances: exactly one certificate", async ({ baseURL }) => {
  const frontdoor = await defaultFrontdoor();
  const second = await startInstance(3291);
  try {
    const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-race-"));
    openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${dir}/k.pem`, "-out", `${dir}/r.csr`, "-subj", "/CN=race"]);
    const csr = readFileSync(`${dir}/r.csr`, "utf8");
    for (let round = 0; round < 3; round++) {
      const token = await newToken(`race ${round}`);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          fetch(`${i % 2 ? second.url : baseURL}/frontdoor/${frontdoor.id}/client-certificates/token`, {
            method: "POST",
            headers: { Authorization: `Bearer ${token.token}`, "Content-Type": "application/json" },
            body: JSON.stringify({ type: "CSR", value: csr }),
          }).then(async (r) => ({ status: r.status, body: await r.json() })),
        ),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409 && r.body.code === "token_already_used")).toHaveLength(49);
      expect(await (await db()).clientCertificate.count({ where: { token: { id: token.id } } })).toBe(1);
    }
  } finally {
    await second.stop();
  }
});

test("killing an instance in the middle of a burst leaves no claim without its certificate, and no certificate without its claim", async () => {
  const frontdoor = await defaultFrontdoor();
  const victim = await startInstance(3292);
  const tokens = await Promise.all(Array.from({ length: 60 }, (_, i) => newToken(`crash ${i}`)));
  const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-crash-"));
  openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${dir}/k.pem`, "-out", `${dir}/r.csr`, "-subj", "/CN=crash"]);
  const csr = readFileSync(`${dir}/r.csr`, "utf8");
  const burst = tokens.map((token) =>
    fetch(`${victim.url}/frontdoor/${frontdoor.id}/client-certificates/token`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ type: "CSR", value: csr }),
    }).then((r) => r.status, () => "dropped" as const),
  );
  // Let part of the burst land, then pull the plug.
  await Promise.race([burst[5], new Promise((r) => setTimeout(r, 2000))]);
  victim.process.kill("SIGKILL");
  const outcomes = await Promise.all(burst);
  expect(outcomes).toContain("dropped");

  await expectWholeRedemptions(tokens.map((t) => t.id), outcomes);
  const orphans = await (await db()).clientCertificate.count({ where: { frontdoorId: frontdoor.id, name: { startsWith: "crash " }, token: null } });
  expect(orphans).toBe(0);
});
