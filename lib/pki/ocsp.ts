import "reflect-metadata";
import { createHash } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  BasicOCSPResponse,
  CertID,
  CertStatus,
  id_pkix_ocsp_basic,
  id_pkix_ocsp_nonce,
  KeyHash,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  ResponderID,
  ResponseBytes,
  ResponseData,
  RevokedInfo,
  SingleResponse,
} from "@peculiar/asn1-ocsp";
import { AlgorithmIdentifier, CRLReason, CRLReasons, Extension } from "@peculiar/asn1-x509";
import { MAX_RESERIALIZED_ANY_OCTETS, parseClientAsn1, rawAnyOctets } from "@/lib/pki/asn1-parse";
import { parseCertificatePem, type Issuer } from "@/lib/pki/issuer";

// An OCSP responder's wire format (RFC 6960), on the @peculiar/asn1-ocsp types: read a
// request's CertIDs and nonce, and answer good / revoked / unknown for each, signed by the
// issuing CA itself (so clients need no separate responder certificate).

const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
const HASHES: Record<string, string> = { "1.3.14.3.2.26": "sha1", "2.16.840.1.101.3.4.2.1": "sha256", "2.16.840.1.101.3.4.2.2": "sha384", "2.16.840.1.101.3.4.2.3": "sha512" };

/** One certificate asked about, and which of the responder's CAs its CertID names (null: none of them). */
export type OcspQuestion<I extends Issuer = Issuer> = { certId: CertID; serialNumber: string; issuer: I | null };
export type OcspAnswer = { status: "good" } | { status: "unknown" } | { status: "revoked"; revokedAt: Date; reason: string | null };

/**
 * Bounds of what one request may ask (CONTRACT, "Revocation status"): each CertID is hashed,
 * looked up and echoed in the signed answer, and the nonce is echoed and signed, so without
 * them one unauthenticated 57 KB request (750 CertIDs) cost ~0.5 s of CPU.
 */
export const MAX_OCSP_CERT_IDS = 10;
/** RFC 8954 §2.1: Nonce ::= OCTET STRING (SIZE(1..32)). */
export const MAX_OCSP_NONCE_OCTETS = 32;

/** A request that is within the bounds: its CertIDs (1 to MAX_OCSP_CERT_IDS) and its nonce, if any. */
export type OcspRequestRead = { certIds: CertID[]; nonce: Extension | null };

/**
 * The nonce's own octets: the OCTET STRING its extnValue holds (RFC 8954), or the extnValue
 * itself from clients that put the bytes there bare (RFC 6960 left the form open).
 */
function nonceOctets(nonce: Extension): number {
  const value = nonce.extnValue.buffer;
  // Too long in either form (a DER OCTET STRING of 32 octets has 34), and not parsed: this
  // parse decodes what the value embeds, with asn1js's defaults (lib/pki/asn1-parse.ts).
  if (value.byteLength > MAX_OCSP_NONCE_OCTETS + 2) return value.byteLength;
  try {
    const inner = AsnConvert.parse(value, OctetString);
    if (Buffer.from(AsnConvert.serialize(inner)).equals(Buffer.from(value))) return inner.byteLength;
  } catch {
    // not an OCTET STRING: a bare nonce
  }
  return value.byteLength;
}

/**
 * The request's CertIDs and nonce, or null when it is not an OCSP request or is outside the
 * bounds (more than MAX_OCSP_CERT_IDS CertIDs, hash parameters over MAX_RESERIALIZED_ANY_OCTETS
 * in all, a nonce outside 1–32 octets): the answer is then malformedRequest. Needs nothing but
 * the bytes, so a refusal costs no read and no signature.
 */
export function parseOcspRequest(der: Uint8Array): OcspRequestRead | null {
  try {
    const request = parseClientAsn1(der, OCSPRequest);
    const certIds = request.tbsRequest.requestList.map((r) => r.reqCert);
    if (certIds.length === 0 || certIds.length > MAX_OCSP_CERT_IDS) return null;
    // Serializing a CertID re-reads its hash algorithm's parameters (a NULL, or none) with
    // asn1js's defaults, here and in the answer: 40 KB of them cost ~0.9 s (lib/pki/asn1-parse.ts).
    if (rawAnyOctets(...certIds.map((c) => c.hashAlgorithm)) > MAX_RESERIALIZED_ANY_OCTETS) return null;
    const nonce = request.tbsRequest.requestExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce) ?? null;
    if (nonce) {
      const octets = nonceOctets(nonce);
      if (octets < 1 || octets > MAX_OCSP_NONCE_OCTETS) return null;
    }
    // The answer echoes each CertID and the nonce, so they must serialize again: some parse
    // but cannot be written (an empty UTCTime as hash parameters), and answering threw, a 500.
    for (const certId of certIds) AsnConvert.serialize(certId);
    if (nonce) AsnConvert.serialize(nonce);
    return { certIds, nonce };
  } catch {
    return null;
  }
}

/**
 * Each CertID as a question, matched to the CA among `issuers` whose name and key hashes it
 * carries (after a CA rotation a Frontdoor answers for several).
 */
export function ocspQuestions<I extends Issuer>(request: OcspRequestRead, issuers: readonly I[]): OcspQuestion<I>[] {
  return request.certIds.map((reqCert) => {
    const hash = HASHES[reqCert.hashAlgorithm.algorithm];
    const issuer =
      hash === undefined
        ? undefined
        : issuers.find((candidate) => {
            const { nameHash, keyHash } = issuerHashes(candidate);
            return Buffer.from(reqCert.issuerNameHash.buffer).equals(nameHash(hash)) && Buffer.from(reqCert.issuerKeyHash.buffer).equals(keyHash(hash));
          });
    return { certId: reqCert, serialNumber: Buffer.from(reqCert.serialNumber).toString("hex").replace(/^(00)+(?=[0-9a-f])/, ""), issuer: issuer ?? null };
  });
}

/** parseOcspRequest, then ocspQuestions: the questions and nonce, or null for malformedRequest. */
export function readOcspRequest<I extends Issuer>(der: Uint8Array, issuers: readonly I[]): { questions: OcspQuestion<I>[]; nonce: Extension | null } | null {
  const request = parseOcspRequest(der);
  return request && { questions: ocspQuestions(request, issuers), nonce: request.nonce };
}

/** What a CertID and a ResponderID are computed from: the issuer's name and key bits, read once per issuer. */
const issuerParts = new WeakMap<Issuer, { nameDer: Buffer; keyBits: Buffer }>();

function partsOf(issuer: Issuer): { nameDer: Buffer; keyBits: Buffer } {
  let parts = issuerParts.get(issuer);
  if (!parts) {
    const certificate = parseCertificatePem(issuer.certificatePem);
    parts = {
      nameDer: Buffer.from(AsnConvert.serialize(certificate.tbsCertificate.subject)),
      keyBits: Buffer.from(certificate.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey),
    };
    issuerParts.set(issuer, parts);
  }
  return parts;
}

/** The issuer's name and key hashes as a CertID carries them, per hash algorithm. */
function issuerHashes(issuer: Issuer) {
  const { nameDer, keyBits } = partsOf(issuer);
  return {
    nameHash: (hash: string) => createHash(hash).update(nameDer).digest(),
    keyHash: (hash: string) => createHash(hash).update(keyBits).digest(),
  };
}

/** GeneralizedTime without fractions (RFC 5280 §4.1.2.5.2, which RFC 6960 follows). */
const wholeSeconds = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000);

function certStatus(answer: OcspAnswer): CertStatus {
  if (answer.status === "good") return new CertStatus({ good: null });
  if (answer.status === "unknown") return new CertStatus({ unknown: null });
  const revokedAt = wholeSeconds(answer.revokedAt);
  const reason = answer.reason ? CRLReasons[answer.reason as keyof typeof CRLReasons] : undefined;
  return new CertStatus({ revoked: new RevokedInfo({ revocationTime: revokedAt, revocationReason: typeof reason === "number" ? new CRLReason(reason) : undefined }) });
}

/** A signed, successful response: one SingleResponse per question, the nonce echoed. */
export async function buildOcspResponse(options: { issuer: Issuer; answers: { certId: CertID; answer: OcspAnswer }[]; nonce: Extension | null; thisUpdate: Date; nextUpdate: Date }): Promise<Uint8Array> {
  const thisUpdate = wholeSeconds(options.thisUpdate);
  const nextUpdate = wholeSeconds(options.nextUpdate);
  const keyHash = issuerHashes(options.issuer).keyHash("sha1");
  const data = new ResponseData({
    responderID: new ResponderID({ byKey: new KeyHash(new Uint8Array(keyHash)) }),
    producedAt: thisUpdate,
    responses: options.answers.map(({ certId, answer }) => new SingleResponse({ certID: certId, certStatus: certStatus(answer), thisUpdate, nextUpdate })),
    responseExtensions: options.nonce ? [options.nonce] : undefined,
  });
  const tbs = Buffer.from(AsnConvert.serialize(data));
  const basic = new BasicOCSPResponse({
    tbsResponseData: data,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
    signature: new Uint8Array(await options.issuer.signer.sign(tbs)).buffer,
  });
  const response = new OCSPResponse({
    responseStatus: OCSPResponseStatus.successful,
    responseBytes: new ResponseBytes({ responseType: id_pkix_ocsp_basic, response: new OctetString(AsnConvert.serialize(basic)) }),
  });
  return new Uint8Array(AsnConvert.serialize(response));
}

/** An unsigned error response (malformedRequest, internalError, unauthorized, …). */
export function ocspError(status: OCSPResponseStatus): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(new OCSPResponse({ responseStatus: status })));
}

export { OCSPResponseStatus };
