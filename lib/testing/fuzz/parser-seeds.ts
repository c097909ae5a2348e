import "reflect-metadata";
import { createHash, createPrivateKey, type KeyObject, randomBytes, X509Certificate } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { CertID, id_pkix_ocsp_nonce, OCSPRequest, Request, TBSRequest } from "@peculiar/asn1-ocsp";
import { AlgorithmIdentifier, Certificate, Extension } from "@peculiar/asn1-x509";
import { createIntermediateCa, createRootCa } from "@/lib/pki/ca";
import { type CheckedCsr, checkCsr } from "@/lib/pki/csr";
import { readTlv } from "@/lib/pki/der";
import { issueClientCertificate } from "@/lib/pki/issue";
import { type Issuer, makeIssuer } from "@/lib/pki/issuer";
import { fromPem } from "@/lib/pki/pem";
import { makeKeyAndRequest } from "@/lib/pki/request";
import { opensslCsr } from "@/lib/testing/openssl";

// The real, valid inputs the parser fuzzing starts from, so that mutations are near-valid:
// requests as openssl and the redemption page's WebCrypto code make them, a CA, a leaf it
// issued, and OCSP requests about that leaf as relying parties send them.

export type CsrSeed = {
  der: Uint8Array;
  /** The signed part (CertificationRequestInfo), exactly as the key holder signed it. */
  tbs: Uint8Array;
  /** The AlgorithmIdentifier after it, reused when a mutated TBS is signed again. */
  signatureAlgorithm: Uint8Array;
  privateKey: KeyObject;
  /** What checkCsr reads from the unmutated request. */
  expected: CheckedCsr;
};

export type ParserSeeds = { csrs: CsrSeed[]; issuer: Issuer; leafDer: Uint8Array; ocspRequests: Uint8Array[] };

/** A request and its key as a seed: its signed part and algorithm cut out for signing mutations again. */
export function csrSeed(csrPem: string, privateKey: KeyObject): CsrSeed {
  const der = fromPem(csrPem, ["CERTIFICATE REQUEST"])!;
  const outer = readTlv(der);
  const tbs = readTlv(der, outer.contentStart);
  const algorithm = readTlv(der, tbs.end);
  return { der, tbs: der.slice(tbs.start, tbs.end), signatureAlgorithm: der.slice(algorithm.start, algorithm.end), privateKey, expected: checkCsr(csrPem) };
}

/** An OCSP request about `leafDer` (`copies` times), as relying parties send it. */
export function ocspRequest(issuerPem: string, leafDer: Uint8Array, withNonce: boolean, copies: number): Uint8Array {
  const issuer = AsnConvert.parse(new X509Certificate(issuerPem).raw, Certificate);
  const certId = new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: "1.3.14.3.2.26", parameters: null }),
    issuerNameHash: new OctetString(createHash("sha1").update(Buffer.from(AsnConvert.serialize(issuer.tbsCertificate.subject))).digest()),
    issuerKeyHash: new OctetString(createHash("sha1").update(Buffer.from(issuer.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey)).digest()),
    serialNumber: AsnConvert.parse(leafDer, Certificate).tbsCertificate.serialNumber,
  });
  const nonce = new Extension({ extnID: id_pkix_ocsp_nonce, critical: false, extnValue: new OctetString(AsnConvert.serialize(new OctetString(randomBytes(16)))) });
  const tbsRequest = new TBSRequest({ requestList: Array.from({ length: copies }, () => new Request({ reqCert: certId })), requestExtensions: withNonce ? [nonce] : undefined });
  return new Uint8Array(AsnConvert.serialize(new OCSPRequest({ tbsRequest })));
}

/** Makes the seeds: a few openssl and WebCrypto requests, a CA, a leaf and OCSP requests. */
export async function parserSeeds(): Promise<ParserSeeds> {
  const fromOpenssl = (spec: "ec-p256" | "ec-p384" | "rsa-2048", subject: string, extra: string[] = []) => {
    const made = opensslCsr(spec, subject, extra);
    return csrSeed(made.csrPem, createPrivateKey(made.keyPem));
  };
  const web = await makeKeyAndRequest("ec-p256", "from-the-browser");
  const csrs = [
    fromOpenssl("ec-p256", "/CN=build-agent-7.ci.example.com/O=Example Corp/OU=CI"),
    fromOpenssl("ec-p384", "/CN=seed-384", ["-addext", "subjectAltName=DNS:a.example.com,IP:10.0.0.1", "-addext", "basicConstraints=critical,CA:TRUE"]),
    fromOpenssl("rsa-2048", "/C=DE/O=Org+OU=Multi/CN=seed-rsa"),
    csrSeed(web.csrPem, createPrivateKey({ key: Buffer.from(web.pkcs8Der), format: "der", type: "pkcs8" })),
  ];

  const root = await createRootCa("fuzz");
  const intermediate = await createIntermediateCa(root, { id: "00000000-0000-4000-8000-00000000f022", name: "fuzz" });
  const issuer = makeIssuer({ id: "fuzz", certificatePem: intermediate.certificatePem, signer: intermediate.signer, chainPem: intermediate.certificatePem + root.certificatePem });
  const first = csrs[0]!.expected;
  const leafDer = (await issueClientCertificate({ issuer, spkiDer: first.spkiDer, isRsa: first.isRsa, subject: { commonName: "leaf", organization: null, organizationalUnit: null }, validDays: 30 })).der;
  const ocspRequests = [ocspRequest(issuer.certificatePem, leafDer, true, 1), ocspRequest(issuer.certificatePem, leafDer, false, 3)];
  return { csrs, issuer, leafDer, ocspRequests };
}
