import { getDb } from "@/lib/db";
import { AppError } from "@/lib/domain/errors";
import { assertCanReadFrontdoor } from "@/lib/domain/permissions";
import type { Principal } from "@/lib/domain/principal";
import { Prisma } from "@/lib/generated/prisma/client";
import { fromPem } from "@/lib/pki/pem";
import { uuidSchema } from "@/lib/validation/common";

// What relying parties are told about a Frontdoor's CAs. After a rotation a Frontdoor has
// several: the current one signs new certificates; a retired one is "in use" while any
// certificate it issued has not expired (it keeps signing that certificate's CRL and OCSP
// answers, and gateways must keep trusting it). Read per request, never cached: which CAs
// are in use changes with a rotation on any instance and with time.

/** SQL: whether the CA aliased `c` is in use (current, or a certificate it issued is unexpired); an index read. */
export const CA_IN_USE = Prisma.sql`(c."retiredAt" IS NULL OR EXISTS (SELECT 1 FROM "ClientCertificate" cc WHERE cc."issuerId" = c."id" AND cc."notAfter" > now()))`;

export type FrontdoorCa = { id: string; generation: number; subject: string; retiredAt: Date | null; notAfter: Date; certificatePem: string; isInUse: boolean; lastCertificateNotAfter: Date | null };
export type FrontdoorCas = { cas: FrontdoorCa[]; rootPem: string };

/** A Frontdoor's issuing CAs, newest first, and the root: one statement; frontdoor_not_found when it has none. */
export async function frontdoorCas(frontdoorId: string): Promise<FrontdoorCas> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  // The EXISTS and the latest notAfter are index reads on ClientCertificate(issuerId, notAfter).
  const rows = await getDb().$queryRaw<(Omit<FrontdoorCa, "isInUse"> & { kind: string; isInUse: boolean | null })[]>`
    SELECT c."id"::text AS "id", c."kind"::text AS "kind", c."generation", c."subject", c."retiredAt", c."notAfter", c."certificatePem",
           ${CA_IN_USE} AS "isInUse",
           (SELECT max(cc."notAfter") FROM "ClientCertificate" cc WHERE cc."issuerId" = c."id") AS "lastCertificateNotAfter"
      FROM "CertificateAuthority" c
     WHERE c."frontdoorId" = ${frontdoorId}::uuid
        OR c."id" = (SELECT r."id" FROM "CertificateAuthority" r WHERE r."kind" = 'root' ORDER BY r."createdAt" LIMIT 1)
     ORDER BY c."generation" DESC`;
  const root = rows.find((r) => r.kind === "root");
  const cas = rows.filter((r) => r.kind === "intermediate").map(({ kind: _kind, ...ca }) => ({ ...ca, isInUse: ca.isInUse === true }));
  if (cas.length === 0) throw new AppError("frontdoor_not_found");
  if (!root) throw new Error("There is no root CA yet; start Certdoor once to create it.");
  return { cas, rootPem: root.certificatePem };
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
 * then the root. Before any rotation: the issuing CA, then the root.
 */
export async function caChainPem(frontdoorId: string): Promise<string> {
  const { cas, rootPem } = await frontdoorCas(frontdoorId);
  return cas.filter((ca) => ca.isInUse).map((ca) => ca.certificatePem).join("") + rootPem;
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

export type CaView = Omit<FrontdoorCa, "certificatePem"> & { isCurrent: boolean };

/** A Frontdoor's issuing CAs for the console, newest first: which one is current, and until when each retired one is in use. */
export async function listFrontdoorCas(principal: Principal, frontdoorId: string): Promise<CaView[]> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  assertCanReadFrontdoor(principal, frontdoorId);
  const { cas } = await frontdoorCas(frontdoorId);
  return cas.map(({ certificatePem: _pem, ...ca }) => ({ ...ca, isCurrent: ca.retiredAt === null }));
}
