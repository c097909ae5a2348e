import { getDb, type Tx } from "@/lib/db";
import { configuredKeyStore, type KeyStoreKind } from "@/lib/domain/ca/key-store";
import { type CaSigner, createFrontdoorRoot, type MadeCa, makeIssuingCa, type Placement, rootSigner, storeCa } from "@/lib/domain/ca/store";
import { AppError } from "@/lib/domain/errors";
import { assertCanAdminister } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import { ISSUING_CA_YEARS, YEAR_MS } from "@/lib/pki/ca";
import { uuidSchema } from "@/lib/validation/common";

/** What replacing a Frontdoor's issuing CA did (a rotation, or an import under an enterprise root). */
export type CaReplacement = {
  frontdoorId: string;
  /** The new issuing CA: it signs every certificate from the commit on. */
  current: { id: string; generation: number; subject: string; notAfter: Date; keyStore: KeyStoreKind };
  /** The CA it replaces: it keeps signing its CRL and OCSP answers until its last certificate expires. */
  retired: { id: string; generation: number; subject: string; inUseUntil: Date | null };
};

export type CaRotation = CaReplacement & {
  /** The new CA's root, and whether the rotation made it (moving the Frontdoor off the shared root, or off one ending too soon). */
  root: { id: string; isNew: boolean };
};

export type OldCa = { id: string; generation: number; subject: string; keyStore: string; parent: { id: string; isSharedRoot: boolean; notAfter: Date; keyStore: string } | null };

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
  // No parent: the CA hangs under an enterprise root (ca import), which Certdoor holds no key of.
  const reason = !parent ? "leaves the enterprise root" : parent.isSharedRoot ? "leaves the shared root" : !isLongEnough ? "the root ends too soon" : `moves the keys to ${store}`;
  const root = await createFrontdoorRoot(tx, frontdoor, generation, { principal, action: "ca.root_created", details: { reason, previousRootId: parent?.id ?? null } });
  return { ...root, isNew: true };
}

/** Locks a Frontdoor's row for the rest of the transaction (CA changes queue on it); frontdoor_not_found when there is none. */
export async function lockFrontdoor(tx: Tx, frontdoorId: string): Promise<{ id: string; name: string }> {
  // Not interpolated: a hostile caller of the console action can send any value at all.
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found", "No such Frontdoor.");
  const [frontdoor] = await tx.$queryRaw<{ id: string; name: string }[]>`SELECT "id"::text AS "id", "name" FROM "Frontdoor" WHERE "id" = ${frontdoorId}::uuid FOR UPDATE`;
  if (!frontdoor) throw new AppError("frontdoor_not_found", `No Frontdoor ${frontdoorId}.`);
  return frontdoor;
}

/** The CA that takes the retired one's place, made inside the replacement's transaction; `result` goes back to the caller. */
export type Successor<T> = { made: MadeCa; placement: Pick<Placement, "parentId" | "externalChainPem">; details: Record<string, unknown>; result: T };
type MakeSuccessor<T> = (tx: Tx, frontdoor: { id: string; name: string }, generation: number, old: OldCa) => Promise<Successor<T>>;

/**
 * Replaces a Frontdoor's issuing CA (admins) with the one `makeSuccessor` makes: it becomes
 * the current one, the old one is retired, audited as `ca.rotated`. One transaction, the
 * Frontdoor's row locked so that concurrent replacements queue; every instance signs with
 * the new CA from the commit on, since each reads the current CA with the statement that
 * authorizes the issuance, and the claim checks it again. A rotation and an enterprise
 * import (ca/enterprise.ts) differ only in where the successor comes from.
 */
export async function replaceIssuingCa<T>(principal: Principal, frontdoorId: string, makeSuccessor: MakeSuccessor<T>): Promise<CaReplacement & T> {
  assertCanAdminister(principal);
  return getDb().$transaction(
    async (tx) => {
      const frontdoor = await lockFrontdoor(tx, frontdoorId);
      const old: OldCa | null = await tx.certificateAuthority.findFirst({
        where: { frontdoorId, retiredAt: null },
        select: { id: true, generation: true, subject: true, keyStore: true, parent: { select: { id: true, isSharedRoot: true, notAfter: true, keyStore: true } } },
      });
      if (!old) throw new Error(`Frontdoor ${frontdoorId} has no issuing CA; restart Certdoor to create it.`);
      const newest = await tx.certificateAuthority.aggregate({ where: { frontdoorId }, _max: { generation: true } });
      const generation = (newest._max.generation ?? old.generation) + 1;
      // Retired before the new one is stored: the partial unique index allows one current CA.
      const retiredAt = new Date();
      await tx.certificateAuthority.update({ where: { id: old.id }, data: { retiredAt } });
      const last = await tx.clientCertificate.aggregate({ where: { issuerId: old.id }, _max: { notAfter: true } });
      const inUseUntil = last._max.notAfter && last._max.notAfter > retiredAt ? last._max.notAfter : null;
      const successor = await makeSuccessor(tx, frontdoor, generation, old);
      const created = successor.made.ca;
      const id = await storeCa(tx, successor.made, { kind: "intermediate", frontdoorId, generation, ...successor.placement }, {
        principal,
        action: "ca.rotated",
        details: { generation, previousCaId: old.id, previousSubject: old.subject, previousInUseUntil: inUseUntil?.toISOString() ?? null, ...successor.details },
      });
      return {
        frontdoorId,
        current: { id, generation, subject: created.subject, notAfter: created.notAfter, keyStore: successor.made.key.store },
        retired: { id: old.id, generation: old.generation, subject: old.subject, inUseUntil },
        ...successor.result,
      };
    },
    { timeout: 30_000 },
  );
}

export type RotationOptions = {
  /** Moves a Frontdoor whose issuing CA's key is in a PKCS#11 token onto database keys, when CA_KEY_STORE is `database` (refused otherwise). */
  toDatabase?: boolean;
};

/**
 * Rotates a Frontdoor's issuing CA (admins): a new intermediate under the Frontdoor's root (a
 * new root of its own when needed, rootForRotation), its key in CA_KEY_STORE. A Frontdoor on
 * hardware keys is not moved back to database keys unless `toDatabase` says so: a rotation
 * run from a shell without the server's CA_KEY_STORE would otherwise do it silently.
 */
export function rotateFrontdoorCa(principal: Principal, frontdoorId: string, options: RotationOptions = {}): Promise<CaRotation> {
  return replaceIssuingCa(principal, frontdoorId, async (tx, frontdoor, generation, old) => {
    if (old.keyStore !== "database" && configuredKeyStore().kind === "database" && !options.toDatabase) {
      throw new AppError(
        "conflict",
        `Frontdoor ${frontdoor.name}'s issuing CA keeps its key in ${old.keyStore}, but CA_KEY_STORE is "database" here: set CA_KEY_STORE (and CA_KEY_STORE_PIN) as the server has them, or rotate with --to-database to move the Frontdoor onto database keys.`,
      );
    }
    const root = await rootForRotation(tx, frontdoor, generation, old, principal);
    const made = await makeIssuingCa(root, frontdoor, generation);
    return { made, placement: { parentId: root.id }, details: { isNewRoot: root.isNew }, result: { root: { id: root.id, isNew: root.isNew } } };
  });
}

/**
 * A warning for a CA about to be made in the database while Frontdoors' current issuing CAs
 * keep their keys in a token (CA_KEY_STORE unset in this shell, most likely); null otherwise.
 */
export async function keyStoreDriftWarning(): Promise<string | null> {
  if (configuredKeyStore().kind !== "database") return null;
  const onToken = await getDb().certificateAuthority.count({ where: { kind: "intermediate", retiredAt: null, keyStore: { not: "database" } } });
  if (onToken === 0) return null;
  return `CA_KEY_STORE is "database" here, so the new CA's keys are database keys, while ${onToken} Frontdoor(s) sign with keys in a PKCS#11 token: if that is not what you meant, set CA_KEY_STORE (and CA_KEY_STORE_PIN) as the server has them.`;
}
