import { getDb } from "@/lib/db";
import { issuerFor, rootIssuer } from "@/lib/domain/ca";
import { AppError } from "@/lib/domain/errors";
import { signCrl } from "@/lib/domain/certificates/crl-sign";
import { toPem } from "@/lib/pki/pem";
import { uuidSchema } from "@/lib/validation/common";

// Serving and refreshing the stored CRLs (signing is crl-sign.ts). A GET never signs or
// writes, so the public endpoint costs one read, and the CRL number only moves when a
// new CRL is signed: on revocation, at CA creation, and here before nextUpdate nears.

/** The schedule re-signs a CRL with less than this left before its nextUpdate. */
export const CRL_REFRESH_BEFORE_MS = 12 * 3600_000;

/** Re-signs every CRL that is missing or nears its nextUpdate (the schedule, and start-up). */
export async function refreshDueCrls(): Promise<number> {
  const dueBefore = new Date(Date.now() + CRL_REFRESH_BEFORE_MS);
  const due = await getDb().certificateAuthority.findMany({
    where: { OR: [{ crlNextUpdate: null }, { crlNextUpdate: { lt: dueBefore } }] },
    select: { kind: true, frontdoorId: true },
  });
  let signed = 0;
  for (const ca of due) {
    const issuer = ca.kind === "root" || !ca.frontdoorId ? await rootIssuer() : await issuerFor(ca.frontdoorId);
    if (await getDb().$transaction((tx) => signCrl(tx, issuer, { onlyIfDueBefore: dueBefore }))) signed += 1;
  }
  return signed;
}

export type StoredCrl = { der: Uint8Array; pem: string; etag: string; thisUpdate: Date; nextUpdate: Date };

/**
 * The Frontdoor's current CRL as stored, and the root's beside it: servers that check the
 * whole chain (Node's `crl` option, nginx's ssl_crl) need both, so the PEM form carries
 * the Frontdoor's CRL first, then the root's. One read; nothing is signed here.
 */
export async function currentCrl(frontdoorId: string): Promise<StoredCrl> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  const rows = await getDb().certificateAuthority.findMany({
    where: { OR: [{ frontdoorId }, { kind: "root" }] },
    select: { kind: true, crlDer: true, crlNumber: true, crlThisUpdate: true, crlNextUpdate: true },
    orderBy: { createdAt: "asc" },
  });
  const own = rows.find((r) => r.kind === "intermediate");
  const root = rows.find((r) => r.kind === "root");
  if (!own) throw new AppError("frontdoor_not_found");
  if (!own.crlDer || !root?.crlDer || !own.crlThisUpdate || !own.crlNextUpdate) {
    throw new Error(`Frontdoor ${frontdoorId} has no signed CRL yet; restart Certdoor to sign it.`);
  }
  const der = new Uint8Array(own.crlDer);
  return {
    der,
    pem: toPem(der, "X509 CRL") + toPem(new Uint8Array(root.crlDer), "X509 CRL"),
    etag: `"${own.crlNumber.toString(16)}.${root.crlNumber.toString(16)}"`,
    thisUpdate: own.crlThisUpdate,
    nextUpdate: own.crlNextUpdate,
  };
}
