import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { rotateFrontdoorCa } from "@/lib/domain/ca/rotate";
import { redeemToken, refreshDueCrls, revokeCertificate } from "@/lib/domain/certificates";
import { renewCertificate } from "@/lib/domain/certificates/renew";
import { createToken } from "@/lib/domain/tokens";
import { env } from "@/lib/env";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";
import { certificateText, openssl, opensslCsr, tempDir } from "@/lib/testing/openssl";
import * as caFile from "@/app/frontdoor/[frontdoorId]/ca/[caFile]/route";
import * as caCrt from "@/app/frontdoor/[frontdoorId]/ca.crt/route";
import * as caPem from "@/app/frontdoor/[frontdoorId]/ca.pem/route";
import * as crlOfCa from "@/app/frontdoor/[frontdoorId]/crl/[caId]/route";
import * as crl from "@/app/frontdoor/[frontdoorId]/crl/route";
import * as ocsp from "@/app/frontdoor/[frontdoorId]/ocsp/route";

// CA key rotation judged by openssl: a certificate from before a rotation still verifies
// against ca.pem, is answered by OCSP and lands on a CRL signed by the CA that issued it;
// one from after is the new CA's, with that CA's own addresses. Nothing in this process is
// told of the rotation (its signer cache still holds the old CA, as on every other worker).

let frontdoorId: string;
let dir: string;
const file = (name: string) => path.join(dir, name);
const certs = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
const params = <P extends object>(p: P) => ({ params: Promise.resolve({ frontdoorId, ...p }) });

async function issue(name: string, validDays = 365) {
  const token = await createToken(system, frontdoorId, { name, commonName: `${name}.example.com`, validDays });
  const csr = opensslCsr("ec-p256");
  const certificate = await redeemToken({ frontdoorId, secret: token.token, body: { type: "CSR", value: csr.csrPem }, context: {} });
  writeFileSync(file(`${name}.pem`), certificate.certificate);
  return { ...certificate, keyFile: csr.keyFile };
}

async function trustBundle(): Promise<string> {
  return (await caPem.GET(new Request("http://localhost/"), params({}))).text();
}

/** openssl verify -purpose sslclient against ca.pem as a gateway holds it: the root trusted, every intermediate in it offered. */
function verifyWithBundle(leafFile: string, bundle: string): string {
  const all = certs(bundle);
  writeFileSync(file("root.pem"), all.at(-1)!);
  writeFileSync(file("intermediates.pem"), all.slice(0, -1).join(""));
  return openssl(["verify", "-CAfile", file("root.pem"), "-untrusted", file("intermediates.pem"), "-purpose", "sslclient", leafFile]);
}

/** openssl's OCSP verdict about one certificate, the response checked against `issuerFile` as its signer. */
async function ocspVerdict(leafFile: string, issuerFile: string): Promise<string> {
  openssl(["ocsp", "-issuer", issuerFile, "-cert", leafFile, "-reqout", file("req.der")]);
  const res = await ocsp.POST(new Request("http://localhost/", { method: "POST", headers: { "Content-Type": "application/ocsp-request" }, body: new Uint8Array(readFileSync(file("req.der"))) }), params({}));
  writeFileSync(file("resp.der"), Buffer.from(await res.arrayBuffer()));
  // First checked against the request it answers (signature, chain, nonce), then read for the certificate's status.
  const run = (args: string) => execFileSync("sh", ["-c", `openssl ocsp -respin ${file("resp.der")} -issuer ${issuerFile} -CAfile ${file("root.pem")} ${args} 2>&1`], { encoding: "utf8" });
  return run(`-reqin ${file("req.der")}`) + run(`-cert ${leafFile} -no_nonce`);
}

/** The serials a DER CRL lists, after openssl checked its signature against `issuerFile`. */
async function crlSerials(res: Response, issuerFile: string): Promise<string[]> {
  expect(res.status).toBe(200);
  writeFileSync(file("crl.der"), Buffer.from(await res.arrayBuffer()));
  const text = execFileSync("sh", ["-c", `openssl crl -inform DER -in ${file("crl.der")} -CAfile ${issuerFile} -noout -text 2>&1`], { encoding: "utf8" });
  expect(text).toContain("verify OK");
  return [...text.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1]!.toLowerCase().replace(/^0+/, ""));
}

const derToPemFile = async (res: Response, name: string) => {
  writeFileSync(file(`${name}.der`), Buffer.from(await res.arrayBuffer()));
  openssl(["x509", "-inform", "DER", "-in", file(`${name}.der`), "-out", file(`${name}.pem`)]);
  return file(`${name}.pem`);
};

let before: Awaited<ReturnType<typeof issue>>;
let oldCaFile: string;
let newCaFile: string;
let rotation: Awaited<ReturnType<typeof rotateFrontdoorCa>>;

beforeAll(async () => {
  frontdoorId = (await makeFrontdoor()).id;
  dir = tempDir("certdoor-rotation-");
  before = await issue("before", 10);
  oldCaFile = await derToPemFile(await caCrt.GET(new Request("http://localhost/"), params({})), "old-ca");
  expect(certs(await trustBundle())).toHaveLength(2);
  rotation = await rotateFrontdoorCa(system, frontdoorId);
  newCaFile = await derToPemFile(await caFile.GET(new Request("http://localhost/"), params({ caFile: `${rotation.current.id}.crt` })), "new-ca");
});

describe("CA rotation", () => {
  it("makes a new intermediate under the same root the current CA, retires the old one, and audits it", async () => {
    const cas = await getDb().certificateAuthority.findMany({ where: { frontdoorId }, orderBy: { generation: "asc" } });
    expect(cas.map((c) => [c.generation, c.retiredAt !== null])).toEqual([[1, true], [2, false]]);
    expect(rotation).toMatchObject({ current: { id: cas[1]!.id, generation: 2 }, retired: { id: cas[0]!.id, generation: 1 } });
    expect(rotation.retired.inUseUntil?.getTime()).toBe(before.notAfter.getTime());
    expect(cas[1]!.subject).toMatch(/issuing CA 2$/);
    expect(cas[1]!.encryptedPrivateKey).toMatch(/^v1\./);

    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "ca.rotated", frontdoorId } });
    expect(event).toMatchObject({ actorKind: "system", targetKind: "ca", targetId: rotation.current.id });
    expect(event.details).toMatchObject({ generation: 2, previousCaId: rotation.retired.id, previousInUseUntil: before.notAfter.toISOString() });
  });

  it("ca.pem holds both issuing CAs and the root; a certificate from before still verifies against it", async () => {
    const bundle = await trustBundle();
    expect(certs(bundle)).toHaveLength(3);
    expect(new X509Certificate(certs(bundle)[0]!).subject).toMatch(/issuing CA 2/);
    expect(verifyWithBundle(file("before.pem"), bundle)).toMatch(/OK/);
  });

  it("a certificate from before: OCSP answers good then revoked, signed by the old CA; its revocation lands on the old CA's CRL only", async () => {
    expect(await ocspVerdict(file("before.pem"), oldCaFile)).toMatch(/Response verify OK[\s\S]*before\.pem: good/);
    await revokeCertificate(system, frontdoorId, before.id, { reason: "keyCompromise" });
    expect(await ocspVerdict(file("before.pem"), oldCaFile)).toMatch(/Response verify OK[\s\S]*before\.pem: revoked[\s\S]*Reason: keyCompromise/);

    // The address in the certificate (/crl) is the old CA's CRL; the new CA's does not list it.
    expect(certificateText(before.certificate)).toContain(`URI:${env.PUBLIC_URL}/frontdoor/${frontdoorId}/crl\n`);
    expect(await crlSerials(await crl.GET(new Request("http://localhost/"), params({})), oldCaFile)).toEqual([before.serialNumber]);
    expect(await crlSerials(await crlOfCa.GET(new Request("http://localhost/"), params({ caId: rotation.current.id })), newCaFile)).toEqual([]);
    // The PEM form holds what a gateway loads: both issuing CAs' CRLs, then the root's.
    const pem = await (await crl.GET(new Request("http://localhost/?format=pem"), params({}))).text();
    expect(pem.match(/BEGIN X509 CRL/g)).toHaveLength(3);
  });

  it("a certificate from after is signed by the new CA, names the new CA's own addresses, and each answers", async () => {
    const after = await issue("after");
    const newCa = new X509Certificate(readFileSync(newCaFile));
    const leaf = new X509Certificate(after.certificate);
    expect(leaf.verify(newCa.publicKey)).toBe(true);
    expect(leaf.verify(new X509Certificate(readFileSync(oldCaFile)).publicKey)).toBe(false);
    expect(after.caCertificates).toBe(certs(await trustBundle())[0]! + certs(await trustBundle())[2]!);
    expect(verifyWithBundle(file("after.pem"), await trustBundle())).toMatch(/OK/);

    const base = `${env.PUBLIC_URL}/frontdoor/${frontdoorId}`;
    const text = certificateText(after.certificate);
    expect(text).toContain(`URI:${base}/crl/${rotation.current.id}`);
    expect(text).toContain(`CA Issuers - URI:${base}/ca/${rotation.current.id}.crt`);
    expect(text).toContain(`OCSP - URI:${base}/ocsp`);
    expect(await ocspVerdict(file("after.pem"), newCaFile)).toMatch(/Response verify OK[\s\S]*after\.pem: good/);
    await revokeCertificate(system, frontdoorId, after.id);
    expect(await crlSerials(await crlOfCa.GET(new Request("http://localhost/"), params({ caId: rotation.current.id })), newCaFile)).toEqual([after.serialNumber]);
  });

  it("renews a certificate from before: the old CA's signature is accepted and the successor is the new CA's", async () => {
    const old = await issue("renewable", 5);
    await rotateFrontdoorCa(system, frontdoorId);
    const current = await getDb().certificateAuthority.findFirstOrThrow({ where: { frontdoorId, retiredAt: null } });
    const csr = openssl(["req", "-new", "-key", old.keyFile, "-subj", "/CN=renewable"]);
    const { certificate: renewed } = await renewCertificate({ frontdoorId, body: { type: "CSR", value: csr, certificate: old.certificate }, context: {} });
    expect(renewed.renewedFromId).toBe(old.id);
    expect(new X509Certificate(renewed.certificate).verify(new X509Certificate(current.certificatePem).publicKey)).toBe(true);
    expect(await getDb().clientCertificate.findUniqueOrThrow({ where: { id: renewed.id }, select: { issuerId: true } })).toEqual({ issuerId: current.id });
  });

  it("drops a retired CA from ca.pem once its last certificate has expired; /ca.crt still names the first CA", async () => {
    const retired = await getDb().certificateAuthority.findMany({ where: { frontdoorId, retiredAt: { not: null } }, select: { id: true } });
    await getDb().clientCertificate.updateMany({ where: { issuerId: { in: retired.map((r) => r.id) } }, data: { notAfter: new Date(Date.now() - 1000) } });
    const bundle = certs(await trustBundle());
    expect(bundle).toHaveLength(2);
    expect(new X509Certificate(bundle[0]!).subject).toMatch(/issuing CA 3/);
    const first = await derToPemFile(await caCrt.GET(new Request("http://localhost/"), params({})), "first-again");
    expect(readFileSync(first, "utf8")).toBe(readFileSync(oldCaFile, "utf8"));
    // The gateway's CRL file follows ca.pem: the current CA's CRL and the root's.
    const pem = await crl.GET(new Request("http://localhost/?format=pem"), params({}));
    expect((await pem.text()).match(/BEGIN X509 CRL/g)).toHaveLength(2);
    expect(pem.headers.get("cache-control")).toMatch(/max-age=[1-9]/);
  });

  it("refuses an unknown Frontdoor, a non-administrator, and an unknown CA address", async () => {
    await expect(rotateFrontdoorCa(system, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "frontdoor_not_found" });
    await expect(rotateFrontdoorCa(system, "not-a-uuid")).rejects.toMatchObject({ code: "frontdoor_not_found" });
    const operator = await makeUser("operator", [frontdoorId]);
    await expect(rotateFrontdoorCa(operator.principal, frontdoorId)).rejects.toMatchObject({ code: "forbidden" });
    const auditor = await makeUser("auditor");
    await expect(rotateFrontdoorCa(auditor.principal, frontdoorId)).rejects.toMatchObject({ code: "forbidden" });
    expect(await getDb().certificateAuthority.count({ where: { frontdoorId } })).toBe(3);
    const missing = await caFile.GET(new Request("http://localhost/"), params({ caFile: "00000000-0000-4000-8000-000000000000.crt" }));
    expect(missing.status).toBe(404);
    expect((await missing.json()).code).toBe("ca_not_found");
    expect((await crlOfCa.GET(new Request("http://localhost/"), params({ caId: "nope" }))).status).toBe(404);
  });

  it("the schedule re-signs a retired CA's CRL while a certificate it issued is valid, and stops once none is", async () => {
    const other = (await makeFrontdoor()).id;
    const token = await createToken(system, other, { name: "short", commonName: "short.example.com", validDays: 1 });
    const issued = await redeemToken({ frontdoorId: other, secret: token.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} });
    await rotateFrontdoorCa(system, other);
    const numbers = () => getDb().certificateAuthority.findMany({ where: { frontdoorId: other }, orderBy: { generation: "asc" }, select: { crlNumber: true } }).then((rows) => rows.map((r) => r.crlNumber));
    const dueSoon = () => getDb().certificateAuthority.updateMany({ where: { frontdoorId: other }, data: { crlNextUpdate: new Date(Date.now() + 60_000) } });

    await dueSoon();
    const [old0, new0] = await numbers();
    await refreshDueCrls();
    const [old1, new1] = await numbers();
    expect(old1! > old0! && new1! > new0!).toBe(true);

    await getDb().clientCertificate.update({ where: { id: issued.id }, data: { notAfter: new Date(Date.now() - 1000) } });
    await dueSoon();
    await refreshDueCrls();
    const [old2, new2] = await numbers();
    expect(old2).toBe(old1);
    expect(new2! > new1!).toBe(true);
  });

  it("two rotations at once both happen, one after the other: one current CA, consecutive generations", async () => {
    const other = (await makeFrontdoor()).id;
    await Promise.all([rotateFrontdoorCa(system, other), rotateFrontdoorCa(system, other)]);
    const cas = await getDb().certificateAuthority.findMany({ where: { frontdoorId: other }, orderBy: { generation: "asc" }, select: { generation: true, retiredAt: true } });
    expect(cas.map((c) => [c.generation, c.retiredAt === null])).toEqual([[1, false], [2, false], [3, true]]);
  });
});
