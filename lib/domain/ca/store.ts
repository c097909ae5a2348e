import { randomUUID } from "node:crypto";
import { getDb, type Tx } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { caKeyColumns, type CaKeyColumns, caKeyRefOf, caKeySigner, type CaKeyRef, checkCaKey, generateCaKey, verifyKeyStore } from "@/lib/domain/ca/key-store";
import { CA_IN_USE } from "@/lib/domain/ca/trust";
import { signCrl } from "@/lib/domain/certificates/crl-sign";
import { type Principal, systemPrincipal } from "@/lib/domain/access/principal";
import { createFrontdoorRootCa, createIntermediateCa, type NewCa } from "@/lib/pki/ca";
import { makeIssuer, type Issuer } from "@/lib/pki/issuer";
import type { CaKeyPair, Signer } from "@/lib/pki/signer";

// Each Frontdoor's trust domain: a root of its own and, under it, the Frontdoor's issuing
// CAs (one current, and those that rotation retired). Each CA's key lives in the key store
// it was made in (lib/domain/ca/key-store: sealed in this database under
// CERTDOOR_MASTER_KEY, or in a PKCS#11 token with only its reference here). A root signs
// only its Frontdoor's issuing CAs, so a gateway trusting one Frontdoor's ca.pem admits
// nothing issued under another. (Installations from before trust domains have one root
// every older issuing CA hangs under, marked isSharedRoot; a rotation moves a Frontdoor off
// it.) Keys are reached only here, as Signers, and never returned to a caller.

const KEY_COLUMNS = { keyStore: true, encryptedPrivateKey: true, keyReference: true } as const;

type CaEvent = { principal: Principal; action: string; details?: Record<string, unknown> };
/** A CA that can sign other CAs' certificates: a root, with its key. */
export type CaSigner = { id: string; certificatePem: string; signer: Signer };
/** A CA made but not yet stored: its id (which labels its key in the store), its certificate and where its key is. */
export type MadeCa = { id: string; ca: NewCa; key: CaKeyRef };
/**
 * Where a CA goes: the Frontdoor it serves (a root's row has none: it belongs to the Frontdoor
 * whose issuing CAs hang under it), and what signed it: a stored root (`parentId`), or an
 * enterprise's CAs Certdoor holds no key of (`externalChainPem`; the CA then keeps the id
 * its pending key was made under, ca/enterprise.ts).
 */
export type Placement = { kind: "root" | "intermediate"; frontdoorId: string; generation?: number; parentId?: string; externalChainPem?: string };

/** A new CA: a key pair for a fresh id in the configured key store, then the certificate `build` makes on it. */
export async function makeCa(build: (key: CaKeyPair) => Promise<NewCa>): Promise<MadeCa> {
  const id = randomUUID();
  const key = await generateCaKey(id);
  return { id, ca: await build(key), key: key.ref };
}

/** A new issuing CA for a Frontdoor under a root, its key in the configured store. */
export const makeIssuingCa = (root: { certificatePem: string; signer: Signer }, frontdoor: { id: string; name: string }, generation = 1): Promise<MadeCa> =>
  makeCa((key) => createIntermediateCa(root, frontdoor, new Date(), generation, key));

/** Stores a new CA with its first (empty) CRL, so its CRL address has something to serve from the start; audited on its Frontdoor. */
export async function storeCa(tx: Tx, { id, ca, key }: MadeCa, placement: Placement, event?: CaEvent): Promise<string> {
  const { kind, frontdoorId, generation = 1, parentId = null, externalChainPem = null } = placement;
  await tx.certificateAuthority.create({
    data: {
      id,
      kind,
      frontdoorId: kind === "intermediate" ? frontdoorId : null,
      generation,
      parentId,
      externalChainPem,
      subject: ca.subject,
      serialNumber: ca.serialNumber,
      certificatePem: ca.certificatePem,
      ...caKeyColumns(key),
      keyAlgorithm: ca.keyAlgorithm,
      notBefore: ca.notBefore,
      notAfter: ca.notAfter,
    },
  });
  await signCrl(tx, makeIssuer({ id, certificatePem: ca.certificatePem, signer: ca.signer, chainPem: ca.certificatePem }));
  const facts = { subject: ca.subject, serialNumber: ca.serialNumber, notAfter: ca.notAfter.toISOString() };
  await recordAudit(tx, event?.principal ?? systemPrincipal("ca"), {
    action: event?.action ?? (kind === "root" ? "ca.root_created" : "ca.intermediate_created"),
    frontdoorId,
    targetKind: "ca",
    targetId: id,
    details: { ...facts, ...(parentId ? { rootId: parentId } : {}), ...event?.details },
  });
  return id;
}

/** A new root for one Frontdoor (at its creation, or when a rotation moves it onto a root of its own). */
export async function createFrontdoorRoot(tx: Tx, frontdoor: { id: string; name: string }, generation = 1, event?: CaEvent): Promise<CaSigner> {
  const made = await makeCa((key) => createFrontdoorRootCa(frontdoor, new Date(), generation, key));
  await storeCa(tx, made, { kind: "root", frontdoorId: frontdoor.id }, event);
  return { id: made.id, certificatePem: made.ca.certificatePem, signer: made.ca.signer };
}

/** A stored root with its key, to sign a new issuing CA under it. */
export async function rootSigner(tx: Tx, rootId: string): Promise<CaSigner> {
  const root = await tx.certificateAuthority.findUniqueOrThrow({ where: { id: rootId }, select: { id: true, certificatePem: true, ...KEY_COLUMNS } });
  return { id: root.id, certificatePem: root.certificatePem, signer: await caKeySigner(caKeyRefOf(root), root.id) };
}

/** A Frontdoor's first root and issuing CA, created with the Frontdoor (inside its transaction). */
export async function ensureFrontdoorCa(tx: Tx, frontdoor: { id: string; name: string }): Promise<void> {
  const existing = await tx.certificateAuthority.findFirst({ where: { frontdoorId: frontdoor.id }, select: { id: true } });
  if (existing) return;
  const root = await createFrontdoorRoot(tx, frontdoor);
  await storeCa(tx, await makeIssuingCa(root, frontdoor), { kind: "intermediate", frontdoorId: frontdoor.id, parentId: root.id });
}

/**
 * At start: a root and an issuing CA for every Frontdoor that lacks one, and a check that
 * every key still used can be reached (the master key opens the sealed ones, the token holds
 * the others): a wrong key or a missing one stops the start, not the first redemption. Used:
 * the roots and the CAs in use (current, or answering for unexpired certificates), those the
 * CRL job signs with; a retired CA with nothing left to answer for never signs again, and its
 * key may well be gone from the token.
 */
export async function ensureAllCas(): Promise<void> {
  // CA_KEY_STORE first: a URI, module or token that does not work stops the start before any CA is made.
  await verifyKeyStore();
  const db = getDb();
  await db.$transaction(async (tx) => {
    const missing = await tx.frontdoor.findMany({ where: { cas: { none: {} } }, select: { id: true, name: true } });
    for (const frontdoor of missing) await ensureFrontdoorCa(tx, frontdoor);
  }, { timeout: 120_000 });
  const used = await db.$queryRaw<(CaKeyColumns & { id: string })[]>`
    SELECT c."id"::text AS "id", c."keyStore", c."encryptedPrivateKey", c."keyReference" FROM "CertificateAuthority" c WHERE c."kind" = 'root' OR ${CA_IN_USE}`;
  for (const ca of used) await checkCaKey(caKeyRefOf(ca), ca.id);
}

/** A CA ready to sign, with where it belongs: its Frontdoor (null for the root) and generation (1 = the Frontdoor's first). */
export type CaIssuer = Issuer & { frontdoorId: string | null; generation: number };

// Keyed by CA id. A CA's certificate and key never change once stored, so an entry never
// goes stale and each process opens each CA's key once (entries: one per CA ever made, a few
// per Frontdoor). Which CA is a Frontdoor's *current* one is never cached: every caller
// reads that with a statement it makes anyway (redemption's token read, renewal's and
// OCSP's CA read), so all workers switch at the rotation's commit without any message.
const issuers = new Map<string, Promise<CaIssuer>>();

async function loadIssuer(caId: string): Promise<CaIssuer> {
  const db = getDb();
  const ca = await db.certificateAuthority.findUnique({ where: { id: caId }, include: { parent: { select: { certificatePem: true } } } });
  if (!ca) throw new Error(`There is no CA ${caId}.`);
  const above = ca.parent?.certificatePem ?? ca.externalChainPem;
  if (ca.kind === "intermediate" && !above) throw new Error(`Issuing CA ${caId} names no root.`);
  const issuer = makeIssuer({
    id: ca.id,
    certificatePem: ca.certificatePem,
    signer: await caKeySigner(caKeyRefOf(ca), ca.id),
    chainPem: ca.certificatePem + (above ?? ""),
  });
  return { ...issuer, frontdoorId: ca.frontdoorId, generation: ca.generation };
}

/** A CA as a signer, by id (its chain: itself, then its root, or an enterprise's intermediates and root), its key reached once per process. */
export function issuerById(caId: string): Promise<CaIssuer> {
  let issuer = issuers.get(caId);
  if (!issuer) {
    issuer = loadIssuer(caId);
    issuers.set(caId, issuer);
    issuer.catch(() => issuers.delete(caId));
  }
  return issuer;
}

/** The PEM chain of the CA that issued a certificate (that CA up to its root): a certificate's `caCertificates`. */
export async function issuerChainPem(caId: string): Promise<string> {
  return (await issuerById(caId)).chainPem;
}
