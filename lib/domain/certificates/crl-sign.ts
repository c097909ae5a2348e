import type { Tx } from "@/lib/db";
import { buildCrl } from "@/lib/pki/crl";
import type { Issuer } from "@/lib/pki/issuer";

// Each CA's current CRL is signed when one of its certificates is revoked (in the
// revocation's transaction), when the CA is created, and by the schedule before it nears
// nextUpdate; it is stored, and GET /crl serves it as stored.

export const CRL_VALIDITY_MS = 24 * 3600_000;

/**
 * Signs and stores a new CRL for a CA inside the caller's transaction. The CRL-number
 * update locks the CA's row first, so two revocations sign one after the other and the
 * later CRL always lists both. With `onlyIfDueBefore`, skips a CRL fresh enough (returns false).
 */
export async function signCrl(tx: Tx, issuer: Issuer, options: { onlyIfDueBefore?: Date } = {}): Promise<boolean> {
  const due = options.onlyIfDueBefore ?? null;
  const [ca] = await tx.$queryRaw<{ kind: string; crlNumber: bigint }[]>`
    UPDATE "CertificateAuthority"
       SET "crlNumber" = GREATEST("crlNumber" + 1, (extract(epoch from clock_timestamp()) * 1000)::bigint)
     WHERE id = ${issuer.id}::uuid
       AND (${due}::timestamptz IS NULL OR "crlNextUpdate" IS NULL OR "crlNextUpdate" < ${due}::timestamptz)
    RETURNING kind::text AS kind, "crlNumber"`;
  if (!ca) return false;
  const revoked =
    ca.kind === "root"
      ? [] // the root revokes nothing today
      : await tx.clientCertificate.findMany({
          where: { issuerId: issuer.id, revokedAt: { not: null } },
          select: { serialNumber: true, revokedAt: true, revocationReason: true },
          orderBy: { revokedAt: "asc" },
        });
  const thisUpdate = new Date();
  const nextUpdate = new Date(thisUpdate.getTime() + CRL_VALIDITY_MS);
  const crl = await buildCrl({
    issuer,
    revoked: revoked.map((r) => ({ serialNumber: r.serialNumber, revokedAt: r.revokedAt!, reason: r.revocationReason })),
    crlNumber: Number(ca.crlNumber),
    thisUpdate,
    nextUpdate,
  });
  await tx.certificateAuthority.update({ where: { id: issuer.id }, data: { crlDer: Buffer.from(crl.der), crlThisUpdate: thisUpdate, crlNextUpdate: nextUpdate } });
  return true;
}

