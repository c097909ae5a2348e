import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit";
import { caChainPem, issuerFor, rootIssuer } from "@/lib/domain/ca";
import { certificateViewSelect, type CertificateView, toCertificateView } from "@/lib/domain/certificates/view";
import { AppError } from "@/lib/domain/errors";
import type { Principal } from "@/lib/domain/principal";
import { actingUserId, frontdoorFor } from "@/lib/domain/scope";
import { Prisma } from "@/lib/generated/prisma/client";
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

/** The next CRL number of a CA: at least now in milliseconds, and always above the last one, across instances. */
async function nextCrlNumber(where: Prisma.Sql): Promise<{ id: string; crlNumber: number } | undefined> {
  const [row] = await getDb().$queryRaw<{ id: string; crlNumber: bigint }[]>`
    UPDATE "CertificateAuthority"
       SET "crlNumber" = GREATEST("crlNumber" + 1, (extract(epoch from clock_timestamp()) * 1000)::bigint)
     WHERE ${where}
    RETURNING id::text AS id, "crlNumber"`;
  return row && { id: row.id, crlNumber: Number(row.crlNumber) };
}

/**
 * The Frontdoor's current CRL, signed now, and the root's CRL beside it: servers that check
 * the whole chain (Node's `crl` option, nginx's ssl_crl) need both, so the PEM form carries
 * the Frontdoor's CRL first, then the root's. The root revokes nothing today.
 */
export async function currentCrl(frontdoorId: string): Promise<{ der: Uint8Array; pem: string }> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  const ca = await nextCrlNumber(Prisma.sql`"frontdoorId" = ${frontdoorId}::uuid`);
  if (!ca) throw new AppError("frontdoor_not_found");
  const revoked = await getDb().clientCertificate.findMany({
    where: { frontdoorId, issuerId: ca.id, revokedAt: { not: null } },
    select: { serialNumber: true, revokedAt: true, revocationReason: true },
    orderBy: { revokedAt: "asc" },
  });
  const now = new Date();
  const nextUpdate = new Date(now.getTime() + CRL_VALIDITY_MS);
  const frontdoorCrl = buildCrl({
    issuer: await issuerFor(frontdoorId),
    revoked: revoked.map((r) => ({ serialNumber: r.serialNumber, revokedAt: r.revokedAt!, reason: r.revocationReason })),
    crlNumber: ca.crlNumber,
    thisUpdate: now,
    nextUpdate,
  });
  const root = await nextCrlNumber(Prisma.sql`kind = 'root'::"CaKind"`);
  const rootCrl = buildCrl({ issuer: await rootIssuer(), revoked: [], crlNumber: root!.crlNumber, thisUpdate: now, nextUpdate });
  return { der: frontdoorCrl.der, pem: frontdoorCrl.pem + rootCrl.pem };
}
