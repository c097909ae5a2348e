import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { issuerById, issuerChainPem } from "@/lib/domain/ca/store";
import { signCrl } from "@/lib/domain/certificates/crl-sign";
import { isCertificateId } from "@/lib/domain/certificates/read";
import { certificateViewSelect, type CertificateView, toCertificateView } from "@/lib/domain/certificates/view";
import { AppError } from "@/lib/domain/errors";
import type { Principal } from "@/lib/domain/access/principal";
import { actingUserId, frontdoorFor } from "@/lib/domain/access/scope";
import { type RevokeCertificateInput, revokeCertificateSchema } from "@/lib/validation/certificates";
import { parseInput } from "@/lib/validation/parse";

/** Revokes a certificate with a reason (idempotent); it is on its own issuing CA's CRL from the commit on (after a CA rotation, maybe not the current CA's). */
export async function revokeCertificate(
  principal: Principal,
  frontdoorId: string,
  certificateId: string,
  raw: RevokeCertificateInput = {},
): Promise<CertificateView> {
  const { reason } = parseInput(revokeCertificateSchema, raw);
  const row = await getDb().$transaction(async (tx) => {
    const frontdoor = await frontdoorFor(principal, frontdoorId, "operate", tx);
    if (!isCertificateId(certificateId)) throw new AppError("certificate_not_found", `No certificate ${certificateId} on this Frontdoor.`);
    const { count } = await tx.clientCertificate.updateMany({
      where: { id: certificateId, frontdoorId: frontdoor.id, revokedAt: null },
      data: { revokedAt: new Date(), revokedById: actingUserId(principal), revocationReason: reason },
    });
    if (count === 0) {
      const exists = await tx.clientCertificate.findFirst({ where: { id: certificateId, frontdoorId: frontdoor.id }, select: { id: true } });
      if (!exists) throw new AppError("certificate_not_found", `No certificate ${certificateId} on this Frontdoor.`);
      // Revoked already: revocation is idempotent and the first reason stands.
    }
    const row = await tx.clientCertificate.findUniqueOrThrow({ where: { id: certificateId }, select: certificateViewSelect });
    if (count > 0) {
      await recordAudit(tx, principal, { action: "certificate.revoked", frontdoorId: frontdoor.id, targetKind: "certificate", targetId: certificateId, details: { reason } });
      // The issuer's new CRL is signed in the same transaction: it is public when the revocation is.
      await signCrl(tx, await issuerById(row.issuerId));
    }
    return row;
  });
  return toCertificateView(row, await issuerChainPem(row.issuerId));
}
