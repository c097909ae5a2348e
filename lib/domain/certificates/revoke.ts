import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit";
import { caChainPem, issuerFor } from "@/lib/domain/ca";
import { certificateViewSelect, type CertificateView, toCertificateView } from "@/lib/domain/certificates/view";
import { AppError } from "@/lib/domain/errors";
import type { Principal } from "@/lib/domain/principal";
import { actingUserId, frontdoorFor } from "@/lib/domain/scope";
import { buildCrl } from "@/lib/pki/crl";
import { type RevokeCertificateInput, revokeCertificateSchema } from "@/lib/validation/certificates";
import { parseInput } from "@/lib/validation/parse";
import { uuidSchema } from "@/lib/validation/common";

/** Revokes a certificate with a reason (idempotent); it is on the Frontdoor's CRL from this moment. */
export async function revokeCertificate(
  principal: Principal,
  frontdoorId: string,
  certificateId: string,
  raw: RevokeCertificateInput = {},
): Promise<CertificateView> {
  const { reason } = parseInput(revokeCertificateSchema, raw);
  const row = await getDb().$transaction(async (tx) => {
    const frontdoor = await frontdoorFor(principal, frontdoorId, "operate", tx);
    const { count } = await tx.clientCertificate.updateMany({
      where: { id: certificateId, frontdoorId: frontdoor.id, revokedAt: null },
      data: { revokedAt: new Date(), revokedById: actingUserId(principal), revocationReason: reason },
    });
    if (count === 0) {
      const exists = await tx.clientCertificate.findFirst({ where: { id: certificateId, frontdoorId: frontdoor.id }, select: { id: true } });
      if (!exists) throw new AppError("certificate_not_found", `No certificate ${certificateId} on this Frontdoor.`);
      // Revoked already: revocation is idempotent and the first reason stands.
    } else {
      await recordAudit(tx, principal, { action: "certificate.revoked", frontdoorId: frontdoor.id, targetKind: "certificate", targetId: certificateId, details: { reason } });
    }
    return tx.clientCertificate.findUniqueOrThrow({ where: { id: certificateId }, select: certificateViewSelect });
  });
  return toCertificateView(row, await caChainPem(frontdoorId));
}

const CRL_VALIDITY_MS = 24 * 3600_000;

/**
 * The Frontdoor's current CRL, signed now. Each one gets the next CRL number from the
 * database (at least the current time in milliseconds), so numbers only ever grow, across
 * instances and restarts.
 */
export async function currentCrl(frontdoorId: string): Promise<{ der: Uint8Array; pem: string }> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  const db = getDb();
  const [ca] = await db.$queryRaw<{ id: string; crlNumber: bigint }[]>`
    UPDATE "CertificateAuthority"
       SET "crlNumber" = GREATEST("crlNumber" + 1, (extract(epoch from clock_timestamp()) * 1000)::bigint)
     WHERE "frontdoorId" = ${frontdoorId}::uuid
    RETURNING id::text AS id, "crlNumber"`;
  if (!ca) throw new AppError("frontdoor_not_found");
  const revoked = await db.clientCertificate.findMany({
    where: { frontdoorId, issuerId: ca.id, revokedAt: { not: null } },
    select: { serialNumber: true, revokedAt: true, revocationReason: true },
    orderBy: { revokedAt: "asc" },
  });
  const now = new Date();
  return buildCrl({
    issuer: await issuerFor(frontdoorId),
    revoked: revoked.map((r) => ({ serialNumber: r.serialNumber, revokedAt: r.revokedAt!, reason: r.revocationReason })),
    crlNumber: Number(ca.crlNumber),
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + CRL_VALIDITY_MS),
  });
}
