import { randomBytes, randomUUID } from "node:crypto";
import { getDb, type Tx } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit";
import { signCrl } from "@/lib/domain/certificates/crl-sign";
import { AppError } from "@/lib/domain/errors";
import { systemPrincipal } from "@/lib/domain/principal";
import { requireEnv } from "@/lib/env";
import { createIntermediateCa, createRootCa, type NewCa } from "@/lib/pki/ca";
import { makeIssuer, type Issuer } from "@/lib/pki/issuer";
import { decryptPrivateKey, encryptPrivateKey, parseMasterKey } from "@/lib/pki/key-encryption";
import { uuidSchema } from "@/lib/validation/common";

// The installation's root CA and one issuing CA per Frontdoor, stored with their private
// keys encrypted under CERTDOOR_MASTER_KEY. Keys are decrypted only here, kept in memory
// as KeyObjects for signing, and never returned to a caller.

const ROOT_LOCK_KEY = 7_734_223;

const masterKey = () => parseMasterKey(requireEnv("CERTDOOR_MASTER_KEY"));

async function storeCa(tx: Tx, ca: NewCa, kind: "root" | "intermediate", frontdoorId: string | null) {
  const id = randomUUID();
  await tx.certificateAuthority.create({
    data: {
      id,
      kind,
      frontdoorId,
      subject: ca.subject,
      serialNumber: ca.serialNumber,
      certificatePem: ca.certificatePem,
      encryptedPrivateKey: encryptPrivateKey(ca.pkcs8Der, masterKey(), id),
      keyAlgorithm: ca.keyAlgorithm,
      notBefore: ca.notBefore,
      notAfter: ca.notAfter,
    },
  });
  // Its first (empty) CRL, so GET /crl has something to serve from the start.
  await signCrl(tx, makeIssuer({ id, certificatePem: ca.certificatePem, pkcs8Der: ca.pkcs8Der, chainPem: ca.certificatePem }));
  await recordAudit(tx, systemPrincipal("ca"), {
    action: kind === "root" ? "ca.root_created" : "ca.intermediate_created",
    frontdoorId,
    targetKind: "ca",
    targetId: id,
    details: { subject: ca.subject, serialNumber: ca.serialNumber, notAfter: ca.notAfter.toISOString() },
  });
  return id;
}

/** The root CA, created on first use (once, however many instances ask at the same time). */
export async function ensureRootCa(tx: Tx): Promise<{ id: string; certificatePem: string; pkcs8Der: Uint8Array }> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ROOT_LOCK_KEY})`;
  let root = await tx.certificateAuthority.findFirst({ where: { kind: "root" }, orderBy: { createdAt: "asc" } });
  if (!root) {
    const created = await createRootCa(randomBytes(4).toString("hex"));
    const id = await storeCa(tx, created, "root", null);
    root = await tx.certificateAuthority.findUniqueOrThrow({ where: { id } });
  }
  return { id: root.id, certificatePem: root.certificatePem, pkcs8Der: decryptPrivateKey(root.encryptedPrivateKey, masterKey(), root.id) };
}

/** A Frontdoor's issuing CA, created with the Frontdoor (inside its transaction). */
export async function ensureFrontdoorCa(tx: Tx, frontdoor: { id: string; name: string }): Promise<void> {
  const existing = await tx.certificateAuthority.findUnique({ where: { frontdoorId: frontdoor.id }, select: { id: true } });
  if (existing) return;
  const root = await ensureRootCa(tx);
  await storeCa(tx, await createIntermediateCa(root, frontdoor), "intermediate", frontdoor.id);
}

/**
 * At start: the root, an issuing CA for every Frontdoor that lacks one, and a check that
 * the master key opens every stored key (a wrong key stops the start, not the first redemption).
 */
export async function ensureAllCas(): Promise<void> {
  const db = getDb();
  await db.$transaction(async (tx) => {
    await ensureRootCa(tx);
    const missing = await tx.frontdoor.findMany({ where: { ca: null }, select: { id: true, name: true } });
    for (const frontdoor of missing) await ensureFrontdoorCa(tx, frontdoor);
  }, { timeout: 120_000 });
  const all = await db.certificateAuthority.findMany({ select: { id: true, encryptedPrivateKey: true } });
  for (const ca of all) decryptPrivateKey(ca.encryptedPrivateKey, masterKey(), ca.id);
}

const issuers = new Map<string, Promise<Issuer>>();

async function loadIssuer(frontdoorId: string): Promise<Issuer> {
  const db = getDb();
  const ca = await db.certificateAuthority.findUnique({ where: { frontdoorId } });
  if (!ca) throw new Error(`Frontdoor ${frontdoorId} has no issuing CA; restart Certdoor to create it.`);
  return makeIssuer({
    id: ca.id,
    certificatePem: ca.certificatePem,
    pkcs8Der: decryptPrivateKey(ca.encryptedPrivateKey, masterKey(), ca.id),
    chainPem: await caChainPem(frontdoorId),
  });
}

/** The signing CA of a Frontdoor, decrypted once per process. */
export function issuerFor(frontdoorId: string): Promise<Issuer> {
  let issuer = issuers.get(frontdoorId);
  if (!issuer) {
    issuer = loadIssuer(frontdoorId);
    issuers.set(frontdoorId, issuer);
    issuer.catch(() => issuers.delete(frontdoorId));
  }
  return issuer;
}

let root: Promise<Issuer> | undefined;

/** The root CA as a signer (for its own CRL). */
export function rootIssuer(): Promise<Issuer> {
  root ??= (async () => {
    const row = await getDb().certificateAuthority.findFirst({ where: { kind: "root" }, orderBy: { createdAt: "asc" } });
    if (!row) throw new Error("There is no root CA yet; start Certdoor once to create it.");
    return makeIssuer({ id: row.id, certificatePem: row.certificatePem, pkcs8Der: decryptPrivateKey(row.encryptedPrivateKey, masterKey(), row.id), chainPem: row.certificatePem });
  })();
  root.catch(() => (root = undefined));
  return root;
}

// A Frontdoor's chain never changes once its CA exists (there is no CA rotation yet), so
// each process reads it once; redemption and the certificate reads return it every time.
const chains = new Map<string, string>();

/** The public CA chain of a Frontdoor (intermediate, then root), PEM. */
export async function caChainPem(frontdoorId: string): Promise<string> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  const cached = chains.get(frontdoorId);
  if (cached) return cached;
  const db = getDb();
  const ca = await db.certificateAuthority.findUnique({ where: { frontdoorId }, select: { certificatePem: true } });
  if (!ca) throw new AppError("frontdoor_not_found");
  const root = await db.certificateAuthority.findFirstOrThrow({ where: { kind: "root" }, orderBy: { createdAt: "asc" }, select: { certificatePem: true } });
  const chain = ca.certificatePem + root.certificatePem;
  chains.set(frontdoorId, chain);
  return chain;
}
