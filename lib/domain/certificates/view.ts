import type { CertificateStatus } from "@/lib/validation/certificates";
import type { CertificateView } from "@/lib/wire/certificate";
import { storedSubjectAltNames } from "@/lib/domain/tokens/view";

// The contract's client certificate object.

export type { CertificateView } from "@/lib/wire/certificate";

export const certificateViewSelect = {
  id: true,
  name: true,
  frontdoorId: true,
  commonName: true,
  organization: true,
  organizationalUnit: true,
  subjectAltNames: true,
  serialNumber: true,
  fingerprintSha256: true,
  keyAlgorithm: true,
  notBefore: true,
  notAfter: true,
  createdAt: true,
  revokedAt: true,
  revocationReason: true,
  certificatePem: true,
  token: { select: { id: true } },
  revokedBy: { select: { email: true } },
  renewedFromId: true,
  renewedBy: { select: { id: true } },
  /** Which CA's chain is `caCertificates` (after a CA rotation, not every certificate's is the current CA's). */
  issuerId: true,
} as const;

type CertificateRow = Omit<CertificateView, "status" | "tokenId" | "revokedBy" | "renewedById" | "certificate" | "caCertificates" | "subjectAltNames"> & {
  subjectAltNames: unknown;
  certificatePem: string;
  token: { id: string } | null;
  revokedBy: { email: string } | null;
  renewedBy: { id: string } | null;
  issuerId: string;
};

export function certificateStatus(row: { revokedAt: Date | null; notAfter: Date }, now = new Date()): CertificateStatus {
  if (row.revokedAt) return "revoked";
  if (row.notAfter.getTime() <= now.getTime()) return "expired";
  return "valid";
}

export function toCertificateView(row: CertificateRow, caCertificates: string, now = new Date()): CertificateView {
  const { certificatePem, token, revokedBy, renewedBy, issuerId: _issuerId, subjectAltNames, ...rest } = row;
  return {
    ...rest,
    subjectAltNames: storedSubjectAltNames(subjectAltNames),
    tokenId: token?.id ?? null,
    renewedById: renewedBy?.id ?? null,
    status: certificateStatus(row, now),
    revokedBy: revokedBy?.email ?? null,
    certificate: certificatePem,
    caCertificates,
  };
}
