import { getDb } from "@/lib/db";
import { issuerById } from "@/lib/domain/ca/store";
import { CA_IN_USE } from "@/lib/domain/ca/trust";
import { AppError } from "@/lib/domain/errors";
import { signCrl } from "@/lib/domain/certificates/crl-sign";
import { toPem } from "@/lib/pki/pem";
import { uuidSchema } from "@/lib/validation/common";

// Serving and refreshing the stored CRLs (signing is crl-sign.ts). A GET never signs or
// writes, so the public endpoint costs one read, and the CRL number only moves when a
// new CRL is signed: on revocation, at CA creation, and here before nextUpdate nears.
// A CA retired by rotation is refreshed while a certificate it issued is unexpired; after
// that its key signs nothing more, and its last CRL stays as it was.

/** The schedule re-signs a CRL with less than this left before its nextUpdate. */
export const CRL_REFRESH_BEFORE_MS = 12 * 3600_000;

/** Re-signs every CRL in use that is missing or nears its nextUpdate (the schedule, and start-up). */
export async function refreshDueCrls(): Promise<number> {
  const dueBefore = new Date(Date.now() + CRL_REFRESH_BEFORE_MS);
  const due = await getDb().$queryRaw<{ id: string }[]>`
    SELECT c."id"::text AS "id" FROM "CertificateAuthority" c
     WHERE (c."crlNextUpdate" IS NULL OR c."crlNextUpdate" < ${dueBefore}::timestamptz)
       AND (c."kind" = 'root' OR ${CA_IN_USE})`;
  let signed = 0;
  for (const ca of due) {
    const issuer = await issuerById(ca.id);
    if (await getDb().$transaction((tx) => signCrl(tx, issuer, { onlyIfDueBefore: dueBefore }))) signed += 1;
  }
  return signed;
}

export type CrlValidity = { etag: string; thisUpdate: Date; nextUpdate: Date };
/** The DER CRL with its validity, and the PEM bundle with its own (it may hold other CAs' CRLs). */
export type StoredCrl = CrlValidity & { der: Uint8Array; pem: string; pemValidity: CrlValidity };

type CrlRow = { id: string; kind: string; parentId: string | null; generation: number; isInUse: boolean; crlDer: Uint8Array | null; crlNumber: bigint; crlThisUpdate: Date | null; crlNextUpdate: Date | null };

/**
 * A Frontdoor's CRLs as stored, one read, nothing signed. DER: one CA's CRL, the one `caId`
 * names, or without it the Frontdoor's first CA's (the address `/crl` in every certificate
 * from before a rotation names it). PEM: what a gateway loads beside ca.pem, the roots'
 * CRLs last: with `caId`, that CA's and its root's; without, every CA's in use (after a
 * rotation the old one's too, until its certificates have all expired), then their roots'
 * (after a move onto a Frontdoor's own root, the old shared root's too, for as long).
 * Servers that check the whole chain (Node's `crl` option, nginx's ssl_crl) need the roots' as well;
 * an enterprise root's (and its intermediates') CRLs are the enterprise's to publish.
 */
export async function currentCrl(frontdoorId: string, caId?: string): Promise<StoredCrl> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  const rows = await getDb().$queryRaw<CrlRow[]>`
    SELECT c."id"::text AS "id", c."kind"::text AS "kind", c."parentId"::text AS "parentId", c."generation", ${CA_IN_USE} AS "isInUse",
           c."crlDer", c."crlNumber", c."crlThisUpdate", c."crlNextUpdate"
      FROM "CertificateAuthority" c
     WHERE c."frontdoorId" = ${frontdoorId}::uuid
        OR c."id" IN (SELECT i."parentId" FROM "CertificateAuthority" i WHERE i."frontdoorId" = ${frontdoorId}::uuid)
     ORDER BY c."generation" DESC`;
  const cas = rows.filter((r) => r.kind === "intermediate");
  const rootOf = (ca: CrlRow) => rows.find((r) => r.kind === "root" && r.id === ca.parentId);
  if (cas.length === 0) throw new AppError("frontdoor_not_found");
  const own = caId === undefined ? cas.find((r) => r.generation === 1) : cas.find((r) => r.id === caId);
  if (!own) throw new AppError("ca_not_found", `No CA ${caId} on this Frontdoor.`);
  const bundle = caId === undefined ? cas.filter((r) => r.isInUse) : [own];
  // A CA under an enterprise root has no root here: the enterprise publishes its CRLs.
  const ownLine = [own, rootOf(own)].filter((r) => r !== undefined);
  const roots = [...new Set(bundle.map(rootOf))].filter((r) => r !== undefined);
  if ([...ownLine, ...bundle, ...roots].some((r) => !r.crlDer || !r.crlThisUpdate || !r.crlNextUpdate)) {
    throw new Error(`Frontdoor ${frontdoorId} has no signed CRL yet; restart Certdoor to sign it.`);
  }
  const ownCrl = own as SignedRow;
  const pemCrls = [...bundle, ...roots] as SignedRow[];
  return {
    der: new Uint8Array(ownCrl.crlDer),
    ...validityOf(ownLine as SignedRow[]),
    pem: pemCrls.map((r) => toPem(new Uint8Array(r.crlDer), "X509 CRL")).join(""),
    pemValidity: validityOf(pemCrls),
  };
}

type SignedRow = CrlRow & { crlDer: Uint8Array; crlThisUpdate: Date; crlNextUpdate: Date };

/** Any CRL served changing changes the tag (before a rotation "<CA's>.<root's>", as always); fresh while all of them are. */
function validityOf(rows: SignedRow[]): CrlValidity {
  return {
    etag: `"${rows.map((r) => r.crlNumber.toString(16)).join(".")}"`,
    thisUpdate: new Date(Math.max(...rows.map((r) => r.crlThisUpdate.getTime()))),
    nextUpdate: new Date(Math.min(...rows.map((r) => r.crlNextUpdate.getTime()))),
  };
}
