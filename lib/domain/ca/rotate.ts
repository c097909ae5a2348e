import { getDb, type Tx } from "@/lib/db";
import { configuredKeyStore } from "@/lib/domain/ca/key-store";
import { type CaSigner, createFrontdoorRoot, makeIssuingCa, rootSigner, storeCa } from "@/lib/domain/ca/store";
import { AppError } from "@/lib/domain/errors";
import { assertCanAdminister } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import { ISSUING_CA_YEARS, YEAR_MS } from "@/lib/pki/ca";
import { uuidSchema } from "@/lib/validation/common";

export type CaRotation = {
  frontdoorId: string;
  /** The new issuing CA: it signs every certificate from the commit on. */
  current: { id: string; generation: number; subject: string; notAfter: Date };
  /** The CA it replaces: it keeps signing its CRL and OCSP answers until its last certificate expires. */
  retired: { id: string; generation: number; subject: string; inUseUntil: Date | null };
  /** The new CA's root, and whether the rotation made it (moving the Frontdoor off the shared root, or off one ending too soon). */
  root: { id: string; isNew: boolean };
};

type OldCa = { id: string; generation: number; subject: string; parent: { id: string; isSharedRoot: boolean; notAfter: Date; keyStore: string } | null };

/**
 * The root a rotation signs the new issuing CA with: the Frontdoor's own, unless it is the
 * shared root of an installation from before trust domains (the rotation is how a Frontdoor
 * leaves it), ends before a new issuing CA would, or keeps its key in another store than
 * CA_KEY_STORE now names; then a new root of the Frontdoor's own. (A root left in the
 * database under an HSM-held issuing CA would still let whoever holds the database and the
 * master key sign an issuing CA every gateway of the Frontdoor trusts.)
 * The old root stays in ca.pem while the retired CA under it has unexpired certificates.
 */
async function rootForRotation(tx: Tx, frontdoor: { id: string; name: string }, generation: number, old: OldCa, principal: Principal): Promise<CaSigner & { isNew: boolean }> {
  const parent = old.parent;
  const store = configuredKeyStore().kind;
  const isLongEnough = parent !== null && parent.notAfter.getTime() > Date.now() + ISSUING_CA_YEARS * YEAR_MS;
  if (parent && !parent.isSharedRoot && isLongEnough && parent.keyStore === store) return { ...(await rootSigner(tx, parent.id)), isNew: false };
  const reason = !parent || parent.isSharedRoot ? "leaves the shared root" : !isLongEnough ? "the root ends too soon" : `moves the keys to ${store}`;
  const root = await createFrontdoorRoot(tx, frontdoor, generation, { principal, action: "ca.root_created", details: { reason, previousRootId: parent?.id ?? null } });
  return { ...root, isNew: true };
}

/**
 * Rotates a Frontdoor's issuing CA (admins): a new intermediate under the Frontdoor's root
 * (a new root of its own when needed, rootForRotation) becomes the current one, the old one
 * is retired. One transaction, the Frontdoor's row locked so that concurrent rotations
 * queue; every instance signs with the new CA from the commit on, since each reads the
 * current CA with the statement that authorizes the issuance, and the claim checks it again.
 */
export async function rotateFrontdoorCa(principal: Principal, frontdoorId: string): Promise<CaRotation> {
  assertCanAdminister(principal);
  // Not interpolated: a hostile caller of the console action can send any value at all.
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found", "No such Frontdoor.");
  return getDb().$transaction(
    async (tx) => {
      const [frontdoor] = await tx.$queryRaw<{ id: string; name: string }[]>`SELECT "id"::text AS "id", "name" FROM "Frontdoor" WHERE "id" = ${frontdoorId}::uuid FOR UPDATE`;
      if (!frontdoor) throw new AppError("frontdoor_not_found", `No Frontdoor ${frontdoorId}.`);
      const old: OldCa | null = await tx.certificateAuthority.findFirst({
        where: { frontdoorId, retiredAt: null },
        select: { id: true, generation: true, subject: true, parent: { select: { id: true, isSharedRoot: true, notAfter: true, keyStore: true } } },
      });
      if (!old) throw new Error(`Frontdoor ${frontdoorId} has no issuing CA; restart Certdoor to create it.`);
      const newest = await tx.certificateAuthority.aggregate({ where: { frontdoorId }, _max: { generation: true } });
      const generation = (newest._max.generation ?? old.generation) + 1;
      // Retired before the new one is stored: the partial unique index allows one current CA.
      const retiredAt = new Date();
      await tx.certificateAuthority.update({ where: { id: old.id }, data: { retiredAt } });
      const last = await tx.clientCertificate.aggregate({ where: { issuerId: old.id }, _max: { notAfter: true } });
      const inUseUntil = last._max.notAfter && last._max.notAfter > retiredAt ? last._max.notAfter : null;
      const root = await rootForRotation(tx, frontdoor, generation, old, principal);
      const made = await makeIssuingCa(root, frontdoor, generation);
      const created = made.ca;
      const id = await storeCa(tx, made, { kind: "intermediate", frontdoorId, generation, parentId: root.id }, {
        principal,
        action: "ca.rotated",
        details: { generation, previousCaId: old.id, previousSubject: old.subject, previousInUseUntil: inUseUntil?.toISOString() ?? null, isNewRoot: root.isNew },
      });
      return {
        frontdoorId,
        current: { id, generation, subject: created.subject, notAfter: created.notAfter },
        retired: { id: old.id, generation: old.generation, subject: old.subject, inUseUntil },
        root: { id: root.id, isNew: root.isNew },
      };
    },
    { timeout: 30_000 },
  );
}
