import "reflect-metadata";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { Attributes, CertificationRequest, CertificationRequestInfo } from "@peculiar/asn1-csr";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { Attribute, Extension, Extensions, id_ce_subjectAltName } from "@peculiar/asn1-x509";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseClientAsn1 } from "@/lib/pki/asn1-parse";
import { createIntermediateCa, createRootCa } from "@/lib/pki/ca";
import { checkCsr } from "@/lib/pki/csr";
import { tlv } from "@/lib/pki/der";
import { issueClientCertificate } from "@/lib/pki/issue";
import { makeIssuer } from "@/lib/pki/issuer";
import { fromPem } from "@/lib/pki/pem";
import { ID_EXTENSION_REQUEST, requestedSubjectAltNames, subjectAltNameExtension } from "@/lib/pki/san";
import { openssl, opensslCsr, verifyClientCertificate } from "@/lib/testing/openssl";
import { type SubjectAltNames, subjectAltNamesSchema } from "@/lib/validation/subject-alt-names";

// OpenSSL judges both directions: it writes requests whose SANs the decoder must read, and
// its encoding of the same names must be byte for byte the extension Certdoor writes.

const SANS: SubjectAltNames = {
  dns: ["build-7.ci.example.com", "*.svc.example.com"],
  ip: ["10.0.0.7", "2001:db8::7", "::ffff:192.0.2.1"],
  uri: ["spiffe://example.org/ns/prod/sa/api"],
  email: ["dana@example.com"],
};
const OPENSSL_SANS = "DNS:build-7.ci.example.com,DNS:*.svc.example.com,IP:10.0.0.7,IP:2001:db8::7,IP:::ffff:192.0.2.1,URI:spiffe://example.org/ns/prod/sa/api,email:dana@example.com";

const parseCsr = (pem: string) => parseClientAsn1(fromPem(pem, ["CERTIFICATE REQUEST"])!, CertificationRequest);

/** The DER of the subjectAltName extension inside an OpenSSL-made request. */
function opensslExtension(csrPem: string): Uint8Array {
  const attribute = parseCsr(csrPem).certificationRequestInfo.attributes!.find((a) => a.type === ID_EXTENSION_REQUEST)!;
  const extension = AsnConvert.parse(attribute.values[0]!, Extensions).find((e) => e.extnID === id_ce_subjectAltName)!;
  return new Uint8Array(AsnConvert.serialize(extension));
}

/** A request (unsigned: the decoder reads, checkCsr verifies) whose extensionRequest holds these extensions. */
function requestWith(extensions: Extension[], attributeCopies = 1): CertificationRequest {
  const value = AsnConvert.serialize(new Extensions(extensions));
  const attributes = new Attributes(Array.from({ length: attributeCopies }, () => new Attribute({ type: ID_EXTENSION_REQUEST, values: [value] })));
  const der = AsnConvert.serialize(new CertificationRequest({ certificationRequestInfo: new CertificationRequestInfo({ attributes }) }));
  return parseClientAsn1(new Uint8Array(der), CertificationRequest);
}
const sanExtension = (value: Uint8Array) => new Extension({ extnID: id_ce_subjectAltName, critical: false, extnValue: new OctetString(value) });

describe("subjectAltNameExtension", () => {
  it("is byte for byte OpenSSL's encoding of the same names", () => {
    const { csrPem } = opensslCsr("ec-p256", "/CN=agent", ["-addext", `subjectAltName=${OPENSSL_SANS}`]);
    expect(Buffer.from(subjectAltNameExtension(SANS)!).toString("hex")).toBe(Buffer.from(opensslExtension(csrPem)).toString("hex"));
  });

  it("goes into an issued certificate that OpenSSL reads and verifies", async () => {
    const root = await createRootCa("san");
    const intermediate = await createIntermediateCa(root, { id: "00000000-0000-4000-8000-000000000020", name: "san" });
    const issuer = makeIssuer({ id: "i", certificatePem: intermediate.certificatePem, signer: intermediate.signer, chainPem: "" });
    const csr = checkCsr(opensslCsr("ec-p256").csrPem);
    const certificate = await issueClientCertificate({ issuer, spkiDer: csr.spkiDer, isRsa: false, subject: { commonName: "agent", organization: null, organizationalUnit: null }, validDays: 1, extraExtensions: [subjectAltNameExtension(SANS)!] });
    expect(openssl(["x509", "-noout", "-ext", "subjectAltName"], { input: certificate.pem })).toBe(
      "X509v3 Subject Alternative Name: \n" +
        "    DNS:build-7.ci.example.com, DNS:*.svc.example.com, IP Address:10.0.0.7, IP Address:2001:DB8:0:0:0:0:0:7, IP Address:0:0:0:0:0:FFFF:C000:201, URI:spiffe://example.org/ns/prod/sa/api, email:dana@example.com\n",
    );
    expect(verifyClientCertificate(certificate.pem, `${intermediate.certificatePem}${root.certificatePem}`)).toContain("OK");
  });

  it("is absent without names and refuses values the schema would not have let through", () => {
    expect(subjectAltNameExtension({})).toBeNull();
    expect(subjectAltNameExtension({ dns: [], email: [] })).toBeNull();
    expect(() => subjectAltNameExtension({ ip: ["10.0.0.256"] })).toThrow(RangeError);
    expect(() => subjectAltNameExtension({ dns: ["bücher.example"] })).toThrow(RangeError);
    expect(() => subjectAltNameExtension({ dns: Array.from({ length: 21 }, (_, i) => `h${i}.example.com`) })).toThrow(RangeError);
  });
});

describe("requestedSubjectAltNames", () => {
  it("reads the four kinds OpenSSL writes and reports the kinds Certdoor does not issue", () => {
    const extra = ",otherName:1.3.6.1.4.1.311.20.2.3;UTF8:dana@corp.example.com,RID:1.2.3.4,dirName:dir_sect";
    const config = "[req]\ndistinguished_name=dn\n[dn]\n[dir_sect]\nCN=other\n";
    const { dir, keyFile } = opensslCsr("ec-p256");
    writeFileSync(path.join(dir, "san.cnf"), config);
    const csrPem = openssl(["req", "-new", "-key", keyFile, "-subj", "/CN=agent", "-config", path.join(dir, "san.cnf"), "-addext", `subjectAltName=${OPENSSL_SANS}${extra}`]);
    const requested = requestedSubjectAltNames(parseCsr(csrPem));
    expect(requested).toEqual({ names: SANS, ignored: ["otherName", "registeredID", "directoryName"] });
    // What a request asks for passes the same schema as a token's names, unchanged.
    expect(subjectAltNamesSchema({ allowWildcards: true }).parse(requested.names)).toEqual(SANS);
  });

  it("gives nothing for a request without extensions or without the SAN extension", () => {
    expect(requestedSubjectAltNames(parseCsr(opensslCsr("ec-p256").csrPem))).toEqual({ names: {}, ignored: [] });
    const { csrPem } = opensslCsr("ec-p256", "/CN=a", ["-addext", "keyUsage=digitalSignature"]);
    expect(requestedSubjectAltNames(parseCsr(csrPem))).toEqual({ names: {}, ignored: [] });
  });

  it("reads back every set of names it encodes", () => {
    const schema = subjectAltNamesSchema({ allowWildcards: true });
    const host = fc.array(fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/), { minLength: 2, maxLength: 4 }).map((ls) => ls.join("."));
    const names = fc.record(
      { dns: fc.array(host, { maxLength: 4 }), ip: fc.array(fc.oneof(fc.ipV4(), fc.ipV6()), { maxLength: 4 }), email: fc.array(host.map((h) => `x@${h}`), { maxLength: 3 }), uri: fc.array(host.map((h) => `https://${h}/p`), { maxLength: 3 }) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(names, (input) => {
        const parsed = schema.safeParse(input);
        fc.pre(parsed.success);
        const der = subjectAltNameExtension(parsed.data);
        expect(requestedSubjectAltNames(requestWith(der ? [parseClientAsn1(der, Extension)] : [])).names).toEqual(parsed.data);
      }),
      { numRuns: 50 },
    );
  });

  it("refuses a request that is malformed or asks for absurdly many names, as invalid_csr", () => {
    const dns = (n: number) => Array.from({ length: n }, (_, i) => tlv(0x82, Buffer.from(`h${i}.example.com`)));
    const many = requestWith([sanExtension(tlv(0x30, ...dns(101)))]);
    expect(() => requestedSubjectAltNames(many)).toThrow(expect.objectContaining({ code: "invalid_csr", message: expect.stringContaining("101") }));
    expect(requestedSubjectAltNames(requestWith([sanExtension(tlv(0x30, ...dns(100)))])).names.dns).toHaveLength(100);

    const twice = requestWith([sanExtension(tlv(0x30, ...dns(1))), sanExtension(tlv(0x30, ...dns(1)))]);
    expect(() => requestedSubjectAltNames(twice)).toThrow(expect.objectContaining({ code: "invalid_csr" }));
    expect(() => requestedSubjectAltNames(requestWith([sanExtension(tlv(0x30, ...dns(1)))], 2))).toThrow(expect.objectContaining({ code: "invalid_csr" }));
    for (const octets of [0, 3, 5, 8, 15, 32]) {
      const ip = requestWith([sanExtension(tlv(0x30, tlv(0x87, Buffer.alloc(octets, 1))))]);
      expect(() => requestedSubjectAltNames(ip), `${octets} octets`).toThrow(expect.objectContaining({ code: "invalid_csr" }));
    }
    expect(() => requestedSubjectAltNames(requestWith([sanExtension(Buffer.from([0x30, 0x05, 0x82]))]))).toThrow(expect.objectContaining({ code: "invalid_csr" }));
  });
});
