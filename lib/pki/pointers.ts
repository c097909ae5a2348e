import "reflect-metadata";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  AccessDescription,
  AuthorityInfoAccessSyntax,
  CRLDistributionPoints,
  DistributionPoint,
  DistributionPointName,
  Extension,
  GeneralName,
  id_ad_caIssuers,
  id_ad_ocsp,
  id_ce_cRLDistributionPoints,
  id_pe_authorityInfoAccess,
} from "@peculiar/asn1-x509";

// Where a relying party finds revocation status and the issuer: CRL Distribution Points
// and Authority Information Access (OCSP, CA issuers) in every issued certificate, so that
// gateways (nginx, Envoy, HAProxy) find them by themselves (RFC 5280 §4.2.1.13, §4.2.2.1).

export type Pointers = { crl: string; ocsp: string; caIssuers: string };

/**
 * The addresses of an issuing CA's CRL, OCSP responder and certificate. A Frontdoor's first
 * CA (generation 1, or none given) has the short ones; a CA made by rotation has its own,
 * since an address in a certificate must name the same CA for the certificate's whole
 * life. OCSP is one address for all: each request names its issuer (CertID).
 */
export function pointersFor(publicUrl: string, frontdoorId: string, ca?: { id: string; generation: number }): Pointers {
  const base = `${publicUrl}/frontdoor/${frontdoorId}`;
  if (ca && ca.generation > 1) return { crl: `${base}/crl/${ca.id}`, ocsp: `${base}/ocsp`, caIssuers: `${base}/ca/${ca.id}.crt` };
  return { crl: `${base}/crl`, ocsp: `${base}/ocsp`, caIssuers: `${base}/ca.crt` };
}

const uri = (value: string) => new GeneralName({ uniformResourceIdentifier: value });
const extension = (extnID: string, value: unknown) => Buffer.from(AsnConvert.serialize(new Extension({ extnID, critical: false, extnValue: new OctetString(AsnConvert.serialize(value)) })));

/** The two extensions, DER-encoded, to append to a certificate's extensions. */
export function pointerExtensions(pointers: Pointers): Buffer[] {
  return [
    extension(id_ce_cRLDistributionPoints, new CRLDistributionPoints([new DistributionPoint({ distributionPoint: new DistributionPointName({ fullName: [uri(pointers.crl)] }) })])),
    extension(
      id_pe_authorityInfoAccess,
      new AuthorityInfoAccessSyntax([
        new AccessDescription({ accessMethod: id_ad_ocsp, accessLocation: uri(pointers.ocsp) }),
        new AccessDescription({ accessMethod: id_ad_caIssuers, accessLocation: uri(pointers.caIssuers) }),
      ]),
    ),
  ];
}
