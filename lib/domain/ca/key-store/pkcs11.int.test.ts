import { execFileSync, spawnSync } from "node:child_process";
import { verify, X509Certificate } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type * as Pkcs11Js from "pkcs11js";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { writeBackup } from "@/lib/db/backup/export";
import { readBackup } from "@/lib/db/backup/format";
import { caKeyRefOf, caKeySigner } from "@/lib/domain/ca/key-store";
import { rotateFrontdoorCa } from "@/lib/domain/ca/rotate";
import { ensureAllCas } from "@/lib/domain/ca/store";
import { redeemToken, revokeCertificate } from "@/lib/domain/certificates";
import { renewCertificate } from "@/lib/domain/certificates/renew";
import { readiness } from "@/lib/domain/system/readiness";
import { createToken } from "@/lib/domain/tokens";
import { env } from "@/lib/env";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { openssl, opensslCsr, tempDir, verifyClientCertificate } from "@/lib/testing/openssl";
import { closeTokenSessions, destroyTokenObjects, listTokenObjects, makeSoftHsm, SOFTHSM_MODULE } from "@/lib/testing/softhsm";
import * as caPem from "@/app/frontdoor/[frontdoorId]/ca.pem/route";
import * as crl from "@/app/frontdoor/[frontdoorId]/crl/route";
import * as ocsp from "@/app/frontdoor/[frontdoorId]/ocsp/route";

// CA keys in a PKCS#11 token, SoftHSM2 standing in for the HSM: keys made there and never
// readable, every signature (certificates, CRLs, OCSP) made there and judged by openssl,
// backups without key material, a token that stops answering (here: its PIN changed) turning
// readiness and issuing into ca_key_unavailable, and configurations that cannot work refused.

const hsm = makeSoftHsm();
const token = hsm.addToken("certdoor");
const root = path.resolve(import.meta.dirname, "..", "..", "..", "..");
let dir: string;
let frontdoorId: string;
const params = () => ({ params: Promise.resolve({ frontdoorId }) });

function useHsm() {
  env.CA_KEY_STORE = token.uri;
  env.CA_KEY_STORE_PIN = token.pin;
}

async function issue(name: string) {
  // 10 days: inside the renewal window, so the renewal test may renew it at once.
  const created = await createToken(system, frontdoorId, { name, commonName: `${name}.example.com`, validDays: 10 });
  const csr = opensslCsr("ec-p256");
  const certificate = await redeemToken({ frontdoorId, secret: created.token, body: { type: "CSR", value: csr.csrPem }, context: {} });
  writeFileSync(path.join(dir, `${name}.pem`), certificate.certificate);
  return { ...certificate, keyFile: csr.keyFile, file: path.join(dir, `${name}.pem`) };
}

const caRows = (id: string) => getDb().certificateAuthority.findMany({ where: { OR: [{ frontdoorId: id }, { children: { some: { frontdoorId: id } } }] }, orderBy: { createdAt: "asc" } });

beforeAll(async () => {
  dir = tempDir("certdoor-hsm-");
  useHsm();
  frontdoorId = (await makeFrontdoor()).id;
});
afterEach(useHsm);

describe("CA keys in a PKCS#11 token", () => {
  it("makes a new Frontdoor's root and issuing CA keys in the token, sensitive and not extractable; the database holds only references", async () => {
    const cas = await caRows(frontdoorId);
    expect(cas.map((c) => c.kind).sort()).toEqual(["intermediate", "root"]);
    const listing = listTokenObjects(hsm, token);
    for (const ca of cas) {
      expect(ca).toMatchObject({ keyStore: "pkcs11", encryptedPrivateKey: null });
      expect(ca.keyReference).toBe(`pkcs11:token=certdoor;object=${ca.id};id=${[...Buffer.from(ca.id.replace(/-/g, ""), "hex")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("")};type=private`);
      // pkcs11-tool prints each object as a block: its class line, then label, ID, usage, access.
      const block = listing.split(/\n(?=\S)/).find((b) => b.startsWith("Private Key Object") && b.includes(`label:      ${ca.id}`));
      expect(block, listing).toBeDefined();
      expect(block).toMatch(/Access:\s+sensitive, always sensitive, never extractable, local/);
      expect(block).toContain(`ID:         ${ca.id.replace(/-/g, "")}`);
    }
  });

  it("redemption, renewal, CRL and OCSP are signed by the token and verify with openssl", async () => {
    const bundle = await (await caPem.GET(new Request("http://localhost/"), params())).text();
    const issued = await issue("device");
    expect(verifyClientCertificate(issued.certificate, bundle)).toMatch(/OK/);

    const renewalCsr = openssl(["req", "-new", "-key", issued.keyFile, "-subj", "/CN=renewal"]);
    const { certificate: renewed } = await renewCertificate({ frontdoorId, body: { type: "CSR", value: renewalCsr, certificate: issued.certificate }, context: {} });
    expect(renewed.renewedFromId).toBe(issued.id);
    expect(verifyClientCertificate(renewed.certificate, bundle)).toMatch(/OK/);

    const [intermediate, rootPem] = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/g)!;
    writeFileSync(path.join(dir, "issuer.pem"), intermediate!);
    writeFileSync(path.join(dir, "root.pem"), rootPem!);
    await revokeCertificate(system, frontdoorId, issued.id, { reason: "keyCompromise" });
    writeFileSync(path.join(dir, "crl.der"), Buffer.from(await (await crl.GET(new Request("http://localhost/"), params())).arrayBuffer()));
    const crlText = execFileSync("sh", ["-c", `openssl crl -inform DER -in ${dir}/crl.der -CAfile ${dir}/issuer.pem -noout -text 2>&1`], { encoding: "utf8" });
    expect(crlText).toContain("verify OK");
    expect(crlText.toLowerCase()).toContain(issued.serialNumber.replace(/^0+/, "").toLowerCase());

    openssl(["ocsp", "-issuer", path.join(dir, "issuer.pem"), "-cert", issued.file, "-reqout", path.join(dir, "req.der")]);
    const answer = await ocsp.POST(new Request("http://localhost/", { method: "POST", headers: { "Content-Type": "application/ocsp-request" }, body: new Uint8Array(execFileSync("cat", [path.join(dir, "req.der")])) }), params());
    writeFileSync(path.join(dir, "resp.der"), Buffer.from(await answer.arrayBuffer()));
    // Checked against the request it answers (signature, chain, nonce), then read for the certificate's status.
    const run = (args: string) => execFileSync("sh", ["-c", `openssl ocsp -respin ${dir}/resp.der -issuer ${dir}/issuer.pem -CAfile ${dir}/root.pem ${args} 2>&1`], { encoding: "utf8" });
    const verdict = run(`-reqin ${dir}/req.der`) + run(`-cert ${issued.file} -no_nonce`);
    expect(verdict).toContain("Response verify OK");
    expect(verdict).toMatch(/: revoked/);
  });

  it("signs concurrently on pooled sessions: 64 signatures at once all verify (the module is initialized for threads)", async () => {
    const ca = await getDb().certificateAuthority.findFirstOrThrow({ where: { frontdoorId, retiredAt: null } });
    const signer = await caKeySigner(caKeyRefOf(ca), ca.id);
    const messages = Array.from({ length: 64 }, (_, i) => Buffer.from(`message ${i}`));
    const signatures = await Promise.all(messages.map((m) => signer.sign(m)));
    const publicKey = new X509Certificate(ca.certificatePem).publicKey;
    expect(signatures.every((sig, i) => verify("sha256", messages[i]!, { key: publicKey, dsaEncoding: "der" }, sig))).toBe(true);
  });

  it("a backup carries the references and no key material for the token's CAs", async () => {
    const file = path.join(dir, "backup.cdb");
    await writeBackup(process.env.DATABASE_URL!, file);
    const ids = new Set((await caRows(frontdoorId)).map((c) => c.id));
    const seen: Record<string, string | null>[] = [];
    let columns: string[] = [];
    let inCas = false;
    for await (const entry of readBackup(file, () => {})) {
      if (entry.kind === "section") {
        inCas = entry.section.section === "table" && entry.section.name === "CertificateAuthority";
        if (inCas && entry.section.section === "table") columns = entry.section.columns.map((c) => c.name);
        continue;
      }
      if (!inCas) continue;
      for (const row of entry.rows) seen.push(Object.fromEntries(columns.map((name, i) => [name, row[i] ?? null])));
    }
    const mine = seen.filter((row) => ids.has(row.id!));
    expect(mine).toHaveLength(2);
    for (const row of mine) expect(row).toMatchObject({ keyStore: "pkcs11", encryptedPrivateKey: null, keyReference: expect.stringContaining(`object=${row.id}`) });
  });

  it("a rotation with CA_KEY_STORE set moves a Frontdoor from database keys to the token, root included", async () => {
    env.CA_KEY_STORE = undefined;
    const old = await makeFrontdoor();
    expect((await caRows(old.id)).map((c) => c.keyStore)).toEqual(["database", "database"]);
    useHsm();
    const rotation = await rotateFrontdoorCa(system, old.id);
    expect(rotation.root.isNew).toBe(true);
    const after = await caRows(old.id);
    expect(after.map((c) => [c.kind, c.keyStore])).toEqual([["root", "database"], ["intermediate", "database"], ["root", "pkcs11"], ["intermediate", "pkcs11"]]);
    // The database CAs made before keep their store and still sign (their CRLs, here).
    await expect(readiness()).resolves.toEqual({ ready: true });
  });

  it("a wrong PIN makes readiness 503 ca_key_unavailable and issues nothing", async () => {
    const other = (await makeFrontdoor()).id; // its keys made in the token, its signer not loaded yet
    const before = await getDb().clientCertificate.count();
    closeTokenSessions(); // logged out, as a process that has not logged in yet
    env.CA_KEY_STORE_PIN = "9999";
    const state = await readiness();
    expect(state).toMatchObject({ ready: false, code: "ca_key_unavailable", detail: expect.stringMatching(/^Cannot log in to the PKCS#11 token certdoor \(CKR_PIN_INCORRECT\): the PIN is wrong: fix CA_KEY_STORE_PIN/) });
    const created = await createToken(system, other, { name: "refused", commonName: "refused.example.com" });
    const refused = redeemToken({ frontdoorId: other, secret: created.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} });
    await expect(refused).rejects.toMatchObject({ code: "ca_key_unavailable", status: 503 });
    expect(await getDb().clientCertificate.count()).toBe(before);

    // The right PIN again: the sessions closed under it are replaced, and issuing resumes.
    useHsm();
    await expect(readiness()).resolves.toEqual({ ready: true });
    await issue("after");
  });

  it("the start refuses, in one line, a URI that does not parse and a key the token lacks", async () => {
    env.CA_KEY_STORE = "pkcs11:token=certdoor";
    await expect(ensureAllCas()).rejects.toThrow(/^CA_KEY_STORE names no PKCS#11 module: add \?module-path=/);
    useHsm();
    const doomed = (await makeFrontdoor()).id;
    const ca = await getDb().certificateAuthority.findFirstOrThrow({ where: { frontdoorId: doomed } });
    destroyTokenObjects(token.label, ca.id);
    const refusal = ensureAllCas();
    await expect(refusal).rejects.toThrow(new RegExp(`^CA ${ca.id}'s private key \\(pkcs11:token=certdoor;object=${ca.id};[^)]*\\) is not in PKCS#11 token certdoor: restore it from the HSM's backup`));
    await expect(refusal).rejects.not.toThrow(/\n/);
  });
});

describe("configurations that cannot work stop the `ca` command with one line", () => {
  const certdoor = (keyStore: string, ...args: string[]) => {
    const result = spawnSync(process.execPath, ["--conditions=react-server", path.join(root, "bin", "certdoor.mjs"), ...args], {
      cwd: root,
      env: { ...process.env, ...hsm.env, CA_KEY_STORE: keyStore, CA_KEY_STORE_PIN: token.pin },
      encoding: "utf8",
      timeout: 60_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
  };

  it("lists each CA with its key store", () => {
    const listed = certdoor(token.uri, "ca", "list", "--frontdoor", frontdoorId, "--json");
    expect(listed.stderr).toBe("");
    const cas = JSON.parse(listed.stdout) as { kind: string; keyStore: string; status: string }[];
    expect(cas.map((c) => [c.kind, c.keyStore, c.status]).sort()).toEqual([["intermediate", "pkcs11", "current"], ["root", "pkcs11", "current"]]);
  });

  it.each([
    ["a URI that does not parse", `pkcs11:token=certdoor;colour=blue?module-path=${SOFTHSM_MODULE}`, /CA_KEY_STORE is not a PKCS#11 URI \(RFC 7512\): "colour" is not a path attribute/],
    ["a module that does not load", "pkcs11:token=certdoor?module-path=/nowhere/libvendor.so", /The PKCS#11 module \/nowhere\/libvendor.so .* does not load: .*Install the HSM vendor's library there or fix the path/],
    ["a token that is missing", `pkcs11:token=elsewhere?module-path=${SOFTHSM_MODULE}`, /No PKCS#11 token token=elsewhere is present in .* \(tokens present: certdoor.*\): initialize it or fix CA_KEY_STORE/],
    ["something that is no key store", "vault", /CA_KEY_STORE must be "database" or a PKCS#11 URI/],
  ])("%s", (_what, keyStore, message) => {
    const result = certdoor(keyStore, "ca", "list");
    expect(result.code).toBe(1);
    expect(result.stderr.split("\n"), result.stderr).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
  });
});
