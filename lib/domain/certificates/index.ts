// Client certificates: redemption (the only way one is made), reads, revocation, the CRL.
export { findTokenBySecret, redeemToken, redemptionBlocker } from "@/lib/domain/certificates/redeem";
export { type ExpiringCertificate, findCertificate, getCertificate, listCertificates, listExpiringCertificates } from "@/lib/domain/certificates/read";
export { currentCrl, refreshDueCrls, type StoredCrl } from "@/lib/domain/certificates/crl-store";
export { revokeCertificate } from "@/lib/domain/certificates/revoke";
export type { CertificateView } from "@/lib/domain/certificates/view";
export { type RedemptionPreview, previewRedemption } from "@/lib/domain/certificates/preview";
