import "reflect-metadata";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ContentInfo, EnvelopedData, IssuerAndSerialNumber, KeyTransRecipientInfo, RecipientIdentifier, RecipientInfo, RecipientInfos } from "@peculiar/asn1-cms";
import { AsnAnyConverter, AsnConvert } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate, Name } from "@peculiar/asn1-x509";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CLIENT_BER_OPTIONS, MAX_RESERIALIZED_ANY_OCTETS } from "@/lib/pki/asn1-parse";
import { readTlv, tlv } from "@/lib/pki/der";
import { buildCertRep } from "@/lib/pki/scep/cert-rep";
import { contentCipher } from "@/lib/pki/scep/ciphers";
import { openEnvelope, sealEnvelope } from "@/lib/pki/scep/envelope";
import { openRequest, readPkiMessage } from "@/lib/pki/scep/pki-message";
import { ScepRefusal } from "@/lib/pki/scep/refusal";
import { rsaSigner, signedPkiMessage } from "@/lib/testing/scep-request";

// A SCEP message is read before anyone is authenticated, and whatever parts of it were
// serialized again had their raw ANY values re-read by asn1js with its defaults (no guard,
// embedded content decoded; lib/pki/asn1-parse.ts). With OCTET STRING { BOOLEAN of 40,000
// octets } in them, 42 KB messages cost 0.7–1.1 s of CPU: as the signer certificate's
// algorithm parameters, in the issuer name identifying the signer or a recipient, as the
// CSR's key parameters; and a token holder's signer certificate with such a BOOLEAN in an
// extension cost 0.3 s when the answer was built. Asserted by what is called, not by time.

const testdata = (name: string) => readFileSync(path.join(import.meta.dirname, "testdata", name));
const raDer = new Uint8Array(new X509Certificate(testdata("ra.pem").toString()).raw);
const ra = { certificate: AsnConvert.parse(raDer, Certificate), privateKey: createPrivateKey(testdata("ra.key")) };
const signer = rsaSigner();
const hex = (text: string) => Buffer.from(text, "hex");
const envelopeOf = (content: Uint8Array) => sealEnvelope(content, raDer, ra.certificate, contentCipher("aes-128-cbc"));

/** Just over the bound: OCTET STRING { BOOLEAN }, which asn1js's defaults decode (in time quadratic in its length). */
const hostileAny = tlv(0x04, tlv(0x01, Buffer.alloc(MAX_RESERIALIZED_ANY_OCTETS, 0xff)));
/** A Name whose one attribute (x500UniqueIdentifier) holds `value` as a raw ANY value. */
const nameWith = (value: Buffer) => tlv(0x30, tlv(0x31, tlv(0x30, hex("060355042d"), value)));
const childrenOf = (der: Uint8Array, offset: number) => {
  const parent = readTlv(der, offset);
  const out = [];
  for (let at = parent.contentStart; at < parent.end; at = out[out.length - 1]!.end) out.push(readTlv(der, at));
  return out.map((t) => Buffer.from(der.subarray(t.start, t.end)));
};
/** The signer's certificate with one part replaced: a child of tbsCertificate, or (-1) the outer signatureAlgorithm. */
function signerWith(index: number, part: Buffer): Uint8Array {
  const [tbs, algorithm, signature] = childrenOf(signer.der, 0) as [Buffer, Buffer, Buffer];
  if (index === -1) return tlv(0x30, tbs, part, signature);
  const parts: Uint8Array[] = childrenOf(tbs, 0);
  parts[index] = part;
  return tlv(0x30, tlv(0x30, ...parts), algorithm, signature);
}

/** Spies on what serializing hands back to asn1js: the largest raw ANY value re-read. */
function watchRereads() {
  const reread = vi.spyOn(AsnAnyConverter, "toASN");
  return () => Math.max(0, ...reread.mock.calls.map(([value]) => (value as ArrayBuffer | null)?.byteLength ?? 0));
}
const failInfoOf = (checked: unknown) => (checked instanceof ScepRefusal ? checked.failInfo : "checked");
const refusalOf = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (error) {
    if (error instanceof ScepRefusal) return error.failInfo;
    throw error;
  }
};

afterEach(() => vi.restoreAllMocks());

describe("raw ANY values of a SCEP message over the bound", () => {
  it("in the signer certificate's algorithm parameters: badMessageCheck before the certificate is serialized", () => {
    const message = signedPkiMessage({ der: signerWith(-1, tlv(0x30, hex("06092a864886f70d01010b"), hostileAny)), key: signer.key }, envelopeOf(Buffer.from("x")), "tx-parameters");
    const largestReread = watchRereads();
    expect(failInfoOf(readPkiMessage(message).checked)).toBe("badMessageCheck");
    expect(largestReread()).toBeLessThanOrEqual(MAX_RESERIALIZED_ANY_OCTETS);
  });

  it("in the issuer naming the signer: compared by its octets, then badMessageCheck before anything is serialized", () => {
    const message = signedPkiMessage({ der: signerWith(3, nameWith(hostileAny)), key: signer.key }, envelopeOf(Buffer.from("x")), "tx-issuer");
    const largestReread = watchRereads();
    expect(failInfoOf(readPkiMessage(message).checked)).toBe("badMessageCheck");
    expect(largestReread()).toBeLessThanOrEqual(MAX_RESERIALIZED_ANY_OCTETS);
  });

  it("in the issuer of a recipient with the RA's serial: not this RA, and the envelope still opens for the real recipient", () => {
    const sealed = AsnConvert.parse(AsnConvert.parse(envelopeOf(Buffer.from("the content")), ContentInfo).content, EnvelopedData);
    const issuer = AsnConvert.parse(nameWith(hostileAny), Name);
    const rid = new RecipientIdentifier({ issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer, serialNumber: ra.certificate.tbsCertificate.serialNumber }) });
    const decoy = new RecipientInfo({ ktri: new KeyTransRecipientInfo({ rid, keyEncryptionAlgorithm: new AlgorithmIdentifier({ algorithm: "1.2.840.113549.1.1.1", parameters: null }), encryptedKey: sealed.recipientInfos[0]!.ktri!.encryptedKey }) });
    sealed.recipientInfos = new RecipientInfos([decoy, ...sealed.recipientInfos]);
    const envelope = new Uint8Array(AsnConvert.serialize(new ContentInfo({ contentType: "1.2.840.113549.1.7.3", content: AsnConvert.serialize(sealed) })));
    const largestReread = watchRereads();
    expect(openEnvelope(envelope, ra).content.toString()).toBe("the content");
    expect(largestReread()).toBeLessThanOrEqual(MAX_RESERIALIZED_ANY_OCTETS);
  });

  it("in the key parameters of the CSR in the envelope: badMessageCheck before the key is serialized", () => {
    const spki = tlv(0x30, tlv(0x30, hex("06072a8648ce3d0201"), hostileAny), tlv(0x03, hex("00"), Buffer.alloc(65, 4)));
    const csr = tlv(0x30, tlv(0x30, hex("020100"), tlv(0x30), spki, hex("a000")), tlv(0x30, hex("06082a8648ce3d040302")), tlv(0x03, hex("00"), Buffer.alloc(70, 1)));
    const envelope = envelopeOf(csr);
    const largestReread = watchRereads();
    expect(refusalOf(() => openRequest(envelope, ra))).toBe("badMessageCheck");
    expect(largestReread()).toBeLessThanOrEqual(MAX_RESERIALIZED_ANY_OCTETS);
  });
});

describe("the SUCCESS CertRep", () => {
  it("reads the requester's signer certificate as client input: what its extensions hold is not decoded", () => {
    // An extension whose value is a BOOLEAN of 2,000 octets; parseClientAsn1 never looks inside an extension's octets.
    const extensions = tlv(0xa3, tlv(0x30, tlv(0x30, hex("06032a0304"), tlv(0x04, tlv(0x01, Buffer.alloc(2_000, 0xff))))));
    const tbsParts = childrenOf(childrenOf(signer.der, 0)[0]!, 0);
    const recipientDer = signerWith(tbsParts[tbsParts.length - 1]![0] === 0xa3 ? tbsParts.length - 1 : tbsParts.length, extensions);
    const parse = vi.spyOn(AsnConvert, "parse");
    const address = { messageType: "19", transactionId: "tx-success", senderNonce: Buffer.alloc(16, 1) };
    buildCertRep({ certificateDer: raDer, privateKey: ra.privateKey }, address, { status: "SUCCESS", certificatesDer: [raDer], recipientDer, cipher: contentCipher("aes-128-cbc") });
    expect(parse).toHaveBeenCalledWith(recipientDer, Certificate, { berOptions: CLIENT_BER_OPTIONS });
    expect(parse).not.toHaveBeenCalledWith(recipientDer, Certificate);
  });
});
