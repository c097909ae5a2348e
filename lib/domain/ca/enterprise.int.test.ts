import { execFileSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { importIssuingCa, requestIssuingCa } from "@/lib/domain/ca/enterprise";
import { rotateFrontdoorCa } from "@/lib/domain/ca/rotate";
import { redeemToken, revokeCertificate } from "@/lib/domain/certificates";
import { createToken } from "@/lib/domain/tokens";
import { toPem } from "@/lib/pki/pem";
import { enterprisePki } from "@/lib/testing/enterprise-root";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";
import { certificateText, openssl, opensslCsr } from "@/lib/testing/openssl";
import * as caPem from "@/app/frontdoor/[frontdoorId]/ca.pem/route";
import * as caFile from "@/app/frontdoor/[frontdoorId]/ca/[caFile]/route";
import * as crlOfCa from "@/app/frontdoor/[frontdoorId]/crl/[caId]/route";
import * as ocsp from "@/app/frontdoor/[frontdoorId]/ocsp/route";
import * as estCaCerts from "@/app/.well-known/est/[frontdoorId]/cacerts/route";

// An issuing CA under an enterprise root made with openssl (RSA root, EC P-384
// intermediate, as an offline root and a policy CA would be): `ca csr`, the enterprise
// signs, `ca import`; then openssl judges what the Frontdoor issues, its CRL and its OCSP
// answers against the enterprise root alone. And each refusal leaves everything as it was.

const pki = enterprisePki();
const file = pki.file;
const certs = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
const sh = (command: string) => execFileSync("sh", ["-c", `{ ${command}; } 2>&1`], { encoding: "utf8" });

const root = pki.root();
const intermediate = pki.intermediate(root);
let frontdoorId: string;
const params = <P extends object>(p: P = {} as P) => ({ params: Promise.resolve({ frontdoorId, ...p }) });

async function issue(name: string) {
  const token = await createToken(system, frontdoorId, { name, commonName: `${name}.example.com` });
  const certificate = await redeemToken({ frontdoorId, secret: token.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} });
  writeFileSync(file(`${name}-leaf.pem`), certificate.certificate);
  return certificate;
}

const caState = async (id: string) => ({
  cas: await getDb().certificateAuthority.findMany({ where: { frontdoorId: id }, select: { id: true, retiredAt: true }, orderBy: { generation: "asc" } }),
  pending: await getDb().pendingIssuingCa.findUnique({ where: { frontdoorId: id }, select: { id: true } }),
});

let imported: Awaited<ReturnType<typeof importIssuingCa>>;
let issuingPem: string;

beforeAll(async () => {
  frontdoorId = (await makeFrontdoor()).id;
  const request = await requestIssuingCa(system, frontdoorId);
  writeFileSync(file("request.csr"), request.csrPem);
  issuingPem = pki.signRequest(request.csrPem, intermediate);
  writeFileSync(file("issuing.pem"), issuingPem);
  // The chain in any order: root first here.
  imported = await importIssuingCa(system, frontdoorId, { certificatePem: issuingPem, chainPem: root.pem + intermediate.pem });
});

describe("ca csr", () => {
  it("writes a request openssl verifies, named like the Frontdoor's issuing CAs, asking for a CA that signs certificates and CRLs", async () => {
    const frontdoor = await makeFrontdoor();
    const request = await requestIssuingCa(system, frontdoor.id);
    const text = openssl(["req", "-noout", "-verify", "-text", "-nameopt", "RFC2253"], { input: request.csrPem });
    expect(text).toContain(`CN=${frontdoor.name} issuing CA 2,OU=Frontdoor ${frontdoor.id},O=Certdoor`);
    expect(text).toMatch(/ASN1 OID: prime256v1/);
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(text).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(sh(`printf '%s' '${request.csrPem}' | openssl req -noout -verify`)).toMatch(/verify OK/i);
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "ca.csr_created", frontdoorId: frontdoor.id } });
    expect(event).toMatchObject({ targetId: request.id, details: { subject: request.subject, replacedId: null } });
  });

  it("takes a subject, and a second request replaces the first, whose signed certificate then no longer imports", async () => {
    const frontdoor = await makeFrontdoor();
    const first = await requestIssuingCa(system, frontdoor.id, { subject: "/C=DE/O=Example Corp/CN=Edge EU issuing CA" });
    expect(first.subject).toBe("C=DE, O=Example Corp, CN=Edge EU issuing CA");
    expect(certificateText(pki.signRequest(first.csrPem, intermediate))).toContain("Subject: CN=Edge EU issuing CA,O=Example Corp,C=DE");
    const second = await requestIssuingCa(system, frontdoor.id);
    expect(second.replacedId).toBe(first.id);
    expect(await getDb().pendingIssuingCa.count({ where: { frontdoorId: frontdoor.id } })).toBe(1);
    const signedForFirst = pki.signRequest(first.csrPem, intermediate);
    await expect(importIssuingCa(system, frontdoor.id, { certificatePem: signedForFirst, chainPem: intermediate.pem + root.pem })).rejects.toMatchObject({ code: "ca_import_key_mismatch" });
  });

  it("refuses a subject without a CN, a non-administrator, and an unknown Frontdoor", async () => {
    const frontdoor = await makeFrontdoor();
    await expect(requestIssuingCa(system, frontdoor.id, { subject: "O=Example Corp" })).rejects.toMatchObject({ code: "validation_failed", errors: [{ path: "subject" }] });
    await expect(requestIssuingCa(system, frontdoor.id, { subject: "not a name" })).rejects.toMatchObject({ code: "validation_failed" });
    const operator = await makeUser("operator", [frontdoor.id]);
    await expect(requestIssuingCa(operator.principal, frontdoor.id)).rejects.toMatchObject({ code: "forbidden" });
    await expect(importIssuingCa(operator.principal, frontdoor.id, { certificatePem: issuingPem })).rejects.toMatchObject({ code: "forbidden" });
    await expect(requestIssuingCa(system, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "frontdoor_not_found" });
    expect(await getDb().pendingIssuingCa.count({ where: { frontdoorId: frontdoor.id } })).toBe(0);
  });
});

describe("ca import", () => {
  it("makes the signed certificate the current issuing CA as a rotation does, and forgets the pending request", async () => {
    const { cas, pending } = await caState(frontdoorId);
    expect(cas.map((c) => c.retiredAt === null)).toEqual([false, true]);
    expect(imported).toMatchObject({ current: { id: cas[1]!.id, generation: 2 }, retired: { id: cas[0]!.id, generation: 1 }, enterpriseRoot: { subject: "O=Example Corp, CN=Example Enterprise Root", chainLength: 2 } });
    expect(pending).toBeNull();
    const row = await getDb().certificateAuthority.findUniqueOrThrow({ where: { id: imported.current.id } });
    expect(row).toMatchObject({ parentId: null, certificatePem: issuingPem, externalChainPem: intermediate.pem + root.pem });
    expect(row.encryptedPrivateKey).toMatch(/^v1\./);
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "ca.rotated", frontdoorId } });
    expect(event).toMatchObject({ targetId: imported.current.id, details: { generation: 2, previousCaId: imported.retired.id, enterpriseRoot: "O=Example Corp, CN=Example Enterprise Root" } });
  });

  it("ca.pem, EST cacerts and each certificate's chain are the issuing CA, the intermediate and the enterprise root; openssl verifies a leaf against the root alone", async () => {
    const bundle = await (await caPem.GET(new Request("http://localhost/"), params())).text();
    expect(certs(bundle)).toEqual([issuingPem, intermediate.pem, root.pem]);
    const est = await (await estCaCerts.GET(new Request("http://localhost/"), params())).text();
    writeFileSync(file("cacerts.p7"), Buffer.from(est, "base64"));
    expect(openssl(["pkcs7", "-inform", "DER", "-in", file("cacerts.p7"), "-print_certs"]).match(/BEGIN CERTIFICATE/g)).toHaveLength(3);

    const leaf = await issue("device");
    expect(leaf.caCertificates).toBe(bundle);
    writeFileSync(file("untrusted.pem"), certs(bundle).slice(0, -1).join(""));
    expect(openssl(["verify", "-CAfile", root.certFile, "-untrusted", file("untrusted.pem"), "-purpose", "sslclient", file("device-leaf.pem")])).toMatch(/: OK/);
    // Not against the Frontdoor's own root any more: its ca.pem no longer holds it.
    expect(certificateText(leaf.certificate)).toContain(`/crl/${imported.current.id}`);
  });

  it("the imported CA signs its CRL and OCSP answers, and openssl verifies both up to the enterprise root", async () => {
    const leaf = await issue("revoked");
    const caDer = Buffer.from(await (await caFile.GET(new Request("http://localhost/"), params({ caFile: `${imported.current.id}.crt` }))).arrayBuffer());
    expect(caDer.equals(new X509Certificate(issuingPem).raw)).toBe(true);

    openssl(["ocsp", "-issuer", file("issuing.pem"), "-cert", file("revoked-leaf.pem"), "-reqout", file("req.der")]);
    const ask = async () => {
      const res = await ocsp.POST(new Request("http://localhost/", { method: "POST", headers: { "Content-Type": "application/ocsp-request" }, body: new Uint8Array(readFileSync(file("req.der"))) }), params());
      writeFileSync(file("resp.der"), Buffer.from(await res.arrayBuffer()));
      // Checked against the request it answers (signature up to the root, nonce), then read for the certificate's status.
      const run = (args: string) => sh(`openssl ocsp -respin ${file("resp.der")} -issuer ${file("issuing.pem")} -CAfile ${root.certFile} -verify_other ${intermediate.certFile} ${args}`);
      return run(`-reqin ${file("req.der")}`) + run(`-cert ${file("revoked-leaf.pem")} -no_nonce`);
    };
    expect(await ask()).toMatch(/Response verify OK[\s\S]*revoked-leaf\.pem: good/);
    await revokeCertificate(system, frontdoorId, leaf.id, { reason: "keyCompromise" });
    expect(await ask()).toMatch(/Response verify OK[\s\S]*revoked-leaf\.pem: revoked[\s\S]*Reason: keyCompromise/);

    const crl = await crlOfCa.GET(new Request("http://localhost/"), params({ caId: imported.current.id }));
    writeFileSync(file("crl.der"), Buffer.from(await crl.arrayBuffer()));
    const text = sh(`openssl crl -inform DER -in ${file("crl.der")} -CAfile ${file("issuing.pem")} -noout -text`);
    expect(text).toContain("verify OK");
    expect(text.toLowerCase()).toContain(leaf.serialNumber.replace(/^0+/, ""));
    // A gateway checking CRLs along the leaf's chain: the issuing CA's from Certdoor, the enterprise's own for the levels above.
    writeFileSync(file("crl.pem"), await (await crlOfCa.GET(new Request("http://localhost/?format=pem"), params({ caId: imported.current.id }))).text());
    expect(sh(`openssl verify -crl_check -CRLfile ${file("crl.pem")} -CAfile ${root.certFile} -untrusted ${file("untrusted.pem")} ${file("revoked-leaf.pem")} || true`)).toMatch(/certificate revoked/);
  });

  it("a CA certificate without a subject key identifier issues certificates naming its key's SHA-1 (RFC 5280 method 1), which openssl verifies", async () => {
    const other = (await makeFrontdoor()).id;
    const request = await requestIssuingCa(system, other);
    const bare = pki.signRequest(request.csrPem, root, ["basicConstraints=critical,CA:true,pathlen:0", "keyUsage=critical,keyCertSign,cRLSign", "subjectKeyIdentifier=none", "authorityKeyIdentifier=none"]);
    expect(certificateText(bare)).not.toContain("Subject Key Identifier");
    await importIssuingCa(system, other, { certificatePem: bare, chainPem: root.pem });
    const token = await createToken(system, other, { name: "bare", commonName: "bare.example.com" });
    const leaf = await redeemToken({ frontdoorId: other, secret: token.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} });
    const spki = new X509Certificate(bare).publicKey.export({ type: "spki", format: "der" });
    // The BIT STRING's content is the last 65 bytes of a P-256 SPKI (the uncompressed point).
    expect(certificateText(leaf.certificate)).toContain(createHash("sha1").update(spki.subarray(-65)).digest("hex").toUpperCase().match(/../g)!.join(":"));
    writeFileSync(file("bare-leaf.pem"), leaf.certificate);
    writeFileSync(file("bare.pem"), bare);
    expect(openssl(["verify", "-CAfile", root.certFile, "-untrusted", file("bare.pem"), file("bare-leaf.pem")])).toMatch(/: OK/);
  });

  it("a later `ca rotate` moves the Frontdoor back onto a root of its own, saying so", async () => {
    const other = (await makeFrontdoor()).id;
    const request = await requestIssuingCa(system, other);
    await importIssuingCa(system, other, { certificatePem: pki.signRequest(request.csrPem, root) + root.pem });
    const rotation = await rotateFrontdoorCa(system, other);
    expect(rotation.root.isNew).toBe(true);
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "ca.root_created", frontdoorId: other, targetId: rotation.root.id } });
    expect(event.details).toMatchObject({ reason: "leaves the enterprise root", previousRootId: null });
  });
});

describe("ca import refusals leave the Frontdoor as it was", () => {
  let target: string;
  let csrPem: string;
  const refused = async (input: { certificatePem: string; chainPem?: string }, code: string, detail: RegExp) => {
    const before = await caState(target);
    await expect(importIssuingCa(system, target, input)).rejects.toMatchObject({ code, message: expect.stringMatching(detail) });
    expect(await caState(target)).toEqual(before);
  };
  beforeAll(async () => {
    target = (await makeFrontdoor()).id;
    await expect(importIssuingCa(system, target, { certificatePem: issuingPem, chainPem: root.pem })).rejects.toMatchObject({ code: "ca_import_key_mismatch", message: expect.stringMatching(/no pending request/) });
    csrPem = (await requestIssuingCa(system, target)).csrPem;
  });

  it("ca_import_key_mismatch: a CA certificate for another key", async () => {
    await refused({ certificatePem: issuingPem, chainPem: intermediate.pem + root.pem }, "ca_import_key_mismatch", /not for the key of this Frontdoor's pending request/);
  });

  it("ca_import_not_a_ca: CA:FALSE, or a CA without keyCertSign or cRLSign", async () => {
    const chainPem = intermediate.pem + root.pem;
    await refused({ certificatePem: pki.signRequest(csrPem, intermediate, ["basicConstraints=critical,CA:false", "keyUsage=critical,digitalSignature"]), chainPem }, "ca_import_not_a_ca", /CA:TRUE/);
    await refused({ certificatePem: pki.signRequest(csrPem, intermediate, ["basicConstraints=critical,CA:true", "keyUsage=critical,digitalSignature,cRLSign"]), chainPem }, "ca_import_not_a_ca", /keyCertSign/);
    await refused({ certificatePem: pki.signRequest(csrPem, intermediate, ["basicConstraints=critical,CA:true", "keyUsage=critical,keyCertSign"]), chainPem }, "ca_import_not_a_ca", /cRLSign/);
  });

  it("ca_import_chain_invalid: a missing link, a chain without its root, a signature that does not verify, an issuer whose pathlen forbids it", async () => {
    const signed = pki.signRequest(csrPem, intermediate);
    await refused({ certificatePem: signed, chainPem: root.pem }, "ca_import_chain_invalid", /does not hold .*Example Issuing Policy CA/);
    await refused({ certificatePem: signed }, "ca_import_chain_invalid", /does not hold/);
    await refused({ certificatePem: signed, chainPem: intermediate.pem }, "ca_import_chain_invalid", /does not hold .*Example Enterprise Root/);
    // The intermediate with one bit of its signature flipped: names and key identifiers chain, the signature does not.
    const tampered = new X509Certificate(intermediate.pem).raw;
    tampered[tampered.length - 1]! ^= 0x01;
    await refused({ certificatePem: signed, chainPem: toPem(tampered, "CERTIFICATE") + root.pem }, "ca_import_chain_invalid", /signature on .*Policy CA does not verify with the key of .*Enterprise Root/);
    const tight = pki.intermediate(root, "tight", "/CN=No CA below me", 0);
    await refused({ certificatePem: pki.signRequest(csrPem, tight), chainPem: tight.pem + root.pem }, "ca_import_chain_invalid", /pathlen:0/);
  });

  it("anything but a certificate is validation_failed, naming the field", async () => {
    await expect(importIssuingCa(system, target, { certificatePem: "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n" })).rejects.toMatchObject({ code: "validation_failed", errors: [{ path: "certificatePem" }] });
    await expect(importIssuingCa(system, target, { certificatePem: csrPem })).rejects.toMatchObject({ code: "validation_failed", errors: [{ path: "certificatePem" }] });
    await expect(importIssuingCa(system, target, { certificatePem: issuingPem, chainPem: "junk" })).rejects.toMatchObject({ code: "validation_failed", errors: [{ path: "chainPem" }] });
  });
});
