import "reflect-metadata";
import { createHash, randomBytes, verify, type X509Certificate } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { BasicOCSPResponse, CertID, id_pkix_ocsp_basic, id_pkix_ocsp_nonce, OCSPRequest, OCSPResponse, OCSPResponseStatus, Request, TBSRequest } from "@peculiar/asn1-ocsp";
import { AlgorithmIdentifier, Certificate, Extension } from "@peculiar/asn1-x509";

// What a relying party does with a certificate's OCSP pointer (RFC 6960): ask about one
// certificate with a nonce, and believe the answer only if the issuer signed it, it is about
// that certificate, echoes the nonce and is current. Tests use it as a gateway would.

const SHA1 = "1.3.14.3.2.26";

export type OcspVerdict = { status: "good" | "revoked" | "unknown"; reason?: number };

export async function askOcsp(url: string, leaf: X509Certificate, issuer: X509Certificate): Promise<OcspVerdict> {
  const issuerAsn = AsnConvert.parse(issuer.raw, Certificate);
  const certId = new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: SHA1, parameters: null }),
    issuerNameHash: new OctetString(createHash("sha1").update(Buffer.from(AsnConvert.serialize(issuerAsn.tbsCertificate.subject))).digest()),
    issuerKeyHash: new OctetString(createHash("sha1").update(Buffer.from(issuerAsn.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey)).digest()),
    serialNumber: AsnConvert.parse(leaf.raw, Certificate).tbsCertificate.serialNumber,
  });
  const nonce = new Extension({ extnID: id_pkix_ocsp_nonce, critical: false, extnValue: new OctetString(AsnConvert.serialize(new OctetString(randomBytes(16)))) });
  const request = new OCSPRequest({ tbsRequest: new TBSRequest({ requestList: [new Request({ reqCert: certId })], requestExtensions: [nonce] }) });
  const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/ocsp-request" }, body: new Uint8Array(AsnConvert.serialize(request)) });
  if (!res.ok || res.headers.get("content-type") !== "application/ocsp-response") throw new Error(`OCSP: HTTP ${res.status}`);
  const response = AsnConvert.parse(new Uint8Array(await res.arrayBuffer()), OCSPResponse);
  if (response.responseStatus !== OCSPResponseStatus.successful || response.responseBytes?.responseType !== id_pkix_ocsp_basic) throw new Error(`OCSP: status ${response.responseStatus}`);
  const basic = AsnConvert.parse(response.responseBytes.response, BasicOCSPResponse);
  const tbs = Buffer.from(AsnConvert.serialize(basic.tbsResponseData));
  if (!verify("sha256", tbs, { key: issuer.publicKey, dsaEncoding: "der" }, Buffer.from(basic.signature))) throw new Error("OCSP: the response is not signed by the issuer");
  const echoed = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);
  if (!echoed || !Buffer.from(echoed.extnValue.buffer).equals(Buffer.from(nonce.extnValue.buffer))) throw new Error("OCSP: the nonce was not echoed");
  const single = basic.tbsResponseData.responses.find((r) => Buffer.from(AsnConvert.serialize(r.certID)).equals(Buffer.from(AsnConvert.serialize(certId))));
  if (!single) throw new Error("OCSP: no answer about this certificate");
  if (!single.nextUpdate || single.nextUpdate.getTime() < Date.now() || single.thisUpdate.getTime() > Date.now() + 300_000) throw new Error("OCSP: the answer is not current");
  if (single.certStatus.good !== undefined) return { status: "good" };
  if (single.certStatus.revoked) return { status: "revoked", reason: single.certStatus.revoked.revocationReason?.reason };
  return { status: "unknown" };
}
