import "reflect-metadata";
import { X509Certificate } from "@peculiar/x509";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/domain/errors";
import { assertCanReadFrontdoor } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import { Prisma } from "@/lib/generated/prisma/client";
import { fromPem, splitPemChain } from "@/lib/pki/pem";
import { uuidSchema } from "@/lib/validation/common";

// What relying parties are told about a Frontdoor's CAs. After a rotation a Frontdoor has
// several: the current one signs new certificates; a retired one is "in use" while any
// certificate it issued has not expired (it keeps signing that certificate's CRL and OCSP
// answers, and gateways must keep trusting it). Read per request, never cached: which CAs
// are in use changes with a rotation on any instance and with time.

/** SQL: whether the CA aliased `c` is in use (current, or a certificate it issued is unexpired); an index read. */
export const CA_IN_USE = Prisma.sql`(c."retiredAt" IS NULL OR EXISTS (SELECT 1 FROM "ClientCertificate" cc WHERE cc."issuerId" = c."id" AND cc."notAfter" > now()))`;

export type FrontdoorCa = {
  id: string;
  /** The root that signed it; null under an enterprise root (`externalChainPem` then holds that chain). */
  parentId: string | null;
  externalChainPem: string | null;
  generation: number;
  subject: string;
  retiredAt: Date | null;
  notAfter: Date;
  certificatePem: string;
  isInUse: boolean;
  lastCertificateNotAfter: Date | null;
};
export type FrontdoorRoot = { id: string; certificatePem: string; isSharedRoot: boolean };
export type FrontdoorCas = { cas: FrontdoorCa[]; roots: Map<string, FrontdoorRoot> };

type CaRow = Omit<FrontdoorCa, "isInUse"> & { kind: string; isSharedRoot: boolean; isInUse: boolean | null };

/** A Frontdoor's issuing CAs, newest first, and the roots they hang under: one statement; frontdoor_not_found when it has none. */
export async function frontdoorCas(frontdoorId: string): Promise<FrontdoorCas> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  // The EXISTS and the latest notAfter are index reads on ClientCertificate(issuerId, notAfter).
  const rows = await getDb().$queryRaw<CaRow[]>`
    SELECT c."id"::text AS "id", c."kind"::text AS "kind", c."parentId"::text AS "parentId", c."isSharedRoot", c."externalChainPem", c."generation", c."subject",
           c."retiredAt", c."notAfter", c."certificatePem",
           ${CA_IN_USE} AS "isInUse",
           (SELECT max(cc."notAfter") FROM "ClientCertificate" cc WHERE cc."issuerId" = c."id") AS "lastCertificateNotAfter"
      FROM "CertificateAuthority" c
     WHERE c."frontdoorId" = ${frontdoorId}::uuid
        OR c."id" IN (SELECT i."parentId" FROM "CertificateAuthority" i WHERE i."frontdoorId" = ${frontdoorId}::uuid)
     ORDER BY c."generation" DESC`;
  const roots = new Map(rows.filter((r) => r.kind === "root").map((r) => [r.id, { id: r.id, certificatePem: r.certificatePem, isSharedRoot: r.isSharedRoot }]));
  const cas = rows
    .filter((r) => r.kind === "intermediate")
    .map(({ kind: _kind, isSharedRoot: _shared, parentId, ...ca }) => {
      if (parentId ? !roots.has(parentId) : !ca.externalChainPem) throw new Error(`Issuing CA ${ca.id} names no root.`);
      return { ...ca, parentId, isInUse: ca.isInUse === true };
    });
  if (cas.length === 0) throw new AppError("frontdoor_not_found");
  return { cas, roots };
}

/** What hangs above a CA, PEM: its stored root, or an enterprise's intermediates and root (ca import). */
function chainAbove(ca: FrontdoorCa, roots: Map<string, FrontdoorRoot>): { intermediates: string[]; root: string } {
  if (ca.parentId) return { intermediates: [], root: roots.get(ca.parentId)!.certificatePem };
  const above = splitPemChain(ca.externalChainPem!);
  return { intermediates: above.slice(0, -1), root: above.at(-1)! };
}

/** The Frontdoor's current issuing CA (the one that signs new certificates). */
export function currentCa({ cas }: FrontdoorCas): FrontdoorCa {
  const current = cas.find((ca) => ca.retiredAt === null);
  if (!current) throw new Error("This Frontdoor has no current issuing CA; restart Certdoor to create it.");
  return current;
}

/**
 * What a gateway must trust for this Frontdoor's certificates, PEM: every issuing CA in
 * use (the current one first, then retired ones whose certificates have not all expired),
 * then the intermediates of an enterprise chain above them, then their roots (the current
 * one's first), each once. Before any rotation: the issuing CA, then the Frontdoor's root.
 * No other Frontdoor's CA or root is ever in it, except an enterprise root that other
 * Frontdoors were imported under too (README, Enterprise root: gateways pin the issuing CA).
 */
export async function caChainPem(frontdoorId: string): Promise<string> {
  const { cas, roots } = await frontdoorCas(frontdoorId);
  const inUse = cas.filter((ca) => ca.isInUse);
  const above = inUse.map((ca) => chainAbove(ca, roots));
  return [...new Set([...inUse.map((ca) => ca.certificatePem), ...above.flatMap((a) => a.intermediates), ...above.map((a) => a.root)])].join("");
}

/**
 * One issuing CA's certificate, DER: by id (the address certificates of a rotated-in CA
 * name), or, with no id, the Frontdoor's first CA, which `/ca.crt` in every certificate
 * from before a rotation names. An address in a certificate names one CA for good.
 */
export async function caCertificateDer(frontdoorId: string, caId?: string): Promise<Buffer> {
  const { cas } = await frontdoorCas(frontdoorId);
  const ca = caId === undefined ? cas.find((c) => c.generation === 1) : cas.find((c) => c.id === caId);
  if (!ca) throw new AppError("ca_not_found", `No CA ${caId} on this Frontdoor.`);
  return Buffer.from(fromPem(ca.certificatePem, ["CERTIFICATE"])!);
}

export type CaView = Omit<FrontdoorCa, "certificatePem" | "externalChainPem"> & { isCurrent: boolean; isUnderSharedRoot: boolean; enterpriseRoot: string | null };

/** A Frontdoor's issuing CAs for the console, newest first: which one is current, and until when each retired one is in use. */
export async function listFrontdoorCas(principal: Principal, frontdoorId: string): Promise<CaView[]> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  assertCanReadFrontdoor(principal, frontdoorId);
  const { cas, roots } = await frontdoorCas(frontdoorId);
  return cas.map(({ certificatePem: _pem, externalChainPem, ...ca }) => ({
    ...ca,
    isCurrent: ca.retiredAt === null,
    isUnderSharedRoot: ca.parentId !== null && roots.get(ca.parentId)!.isSharedRoot,
    enterpriseRoot: externalChainPem ? new X509Certificate(splitPemChain(externalChainPem).at(-1)!).subject : null,
  }));
}
