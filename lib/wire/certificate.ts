import type { CertificateStatus } from "@/lib/validation/certificates";
import type { SubjectAltNames } from "@/lib/validation/subject-alt-names";

// The contract's client certificate object, as the API sends it and the redemption page and
// the CLI read it (dates are Date on the server, ISO strings on the wire: Serialized<…>).

export type CertificateView = {
  id: string;
  name: string;
  frontdoorId: string;
  tokenId: string | null;
  commonName: string;
  organization: string | null;
  organizationalUnit: string | null;
  /** The SANs the certificate carries (kinds without values are left out). */
  subjectAltNames: SubjectAltNames;
  serialNumber: string;
  fingerprintSha256: string;
  keyAlgorithm: string;
  notBefore: Date;
  notAfter: Date;
  status: CertificateStatus;
  createdAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
  revocationReason: string | null;
  /** The certificate this one renews, and the one that renewed this (each at most one). */
  renewedFromId: string | null;
  renewedById: string | null;
  certificate: string;
  caCertificates: string;
};
