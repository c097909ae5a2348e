import "reflect-metadata";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  AlgorithmIdentifier,
  AuthorityKeyIdentifier,
  CertificateList,
  CRLNumber,
  CRLReason,
  CRLReasons,
  Extension,
  id_ce_authorityKeyIdentifier,
  id_ce_cRLNumber,
  id_ce_cRLReasons,
  KeyIdentifier,
  RevokedCertificate,
  TBSCertList,
  Time,
  Version,
} from "@peculiar/asn1-x509";
import { arrayBufferOf, hexToArrayBuffer } from "@/lib/pki/bytes";
import type { Issuer } from "@/lib/pki/issuer";
import { toPem } from "@/lib/pki/pem";

// A Frontdoor's CRL (RFC 5280 §5), v2, signed by its issuing CA, with the CRL number and
// authority key identifier extensions and a reason code on each entry.

export const REVOCATION_REASONS = ["unspecified", "keyCompromise", "affiliationChanged", "superseded", "cessationOfOperation", "privilegeWithdrawn"] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

export type RevokedEntry = { serialNumber: string; revokedAt: Date; reason: string | null };

const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

function ext(extnID: string, value: unknown): Extension {
  return new Extension({ extnID, critical: false, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

function reasonCode(reason: string | null): CRLReasons {
  const code = reason ? CRLReasons[reason as keyof typeof CRLReasons] : undefined;
  return typeof code === "number" ? code : CRLReasons.unspecified;
}

export async function buildCrl(options: {
  issuer: Issuer;
  revoked: RevokedEntry[];
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
}): Promise<{ der: Uint8Array; pem: string }> {
  const signatureAlgorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const tbs = new TBSCertList({
    version: Version.v2,
    signature: signatureAlgorithm,
    issuer: options.issuer.name,
    thisUpdate: new Time(options.thisUpdate),
    nextUpdate: new Time(options.nextUpdate),
    revokedCertificates: options.revoked.length
      ? options.revoked.map(
          (entry) =>
            new RevokedCertificate({
              userCertificate: hexToArrayBuffer(entry.serialNumber),
              revocationDate: new Time(entry.revokedAt),
              crlEntryExtensions: [ext(id_ce_cRLReasons, new CRLReason(reasonCode(entry.reason)))],
            }),
        )
      : undefined,
    crlExtensions: [
      ext(id_ce_authorityKeyIdentifier, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(options.issuer.keyIdentifier) })),
      ext(id_ce_cRLNumber, new CRLNumber(options.crlNumber)),
    ],
  });
  const signature = await options.issuer.signer.sign(new Uint8Array(AsnConvert.serialize(tbs)));
  const crl = new CertificateList({
    tbsCertList: tbs,
    signatureAlgorithm,
    signature: arrayBufferOf(signature),
  });
  const der = new Uint8Array(AsnConvert.serialize(crl));
  return { der, pem: toPem(der, "X509 CRL") };
}
