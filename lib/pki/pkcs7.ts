import { CertificateChoices, CertificateSet, CMSVersion, ContentInfo, EncapsulatedContentInfo, id_data, id_signedData, SignedData } from "@peculiar/asn1-cms";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";

// "Certs-only" PKCS#7 (RFC 8551 §3.2.2, used by EST in RFC 7030 §4.1.3 and §4.2.3): a CMS
// SignedData that signs nothing and only carries certificates. Version 1 because the
// content type is id-data and there are neither signers nor attribute certificates
// (RFC 5652 §5.1). The certificates keep the caller's order (issuing CA, then root):
// SignedData's SET OF is written unsorted, as OpenSSL writes it, and readers rely on it.

/** The DER of a certs-only PKCS#7 holding the given DER certificates, in order. */
export function certsOnlyPkcs7(certificates: Uint8Array[]): Uint8Array {
  const signedData = new SignedData({
    version: CMSVersion.v1,
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data }),
    certificates: new CertificateSet(certificates.map((der) => new CertificateChoices({ certificate: AsnConvert.parse(der, Certificate) }))),
  });
  return new Uint8Array(AsnConvert.serialize(new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signedData) })));
}

