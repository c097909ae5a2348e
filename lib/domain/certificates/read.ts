import { getDb } from "@/lib/db";
import { issuerChainPem } from "@/lib/domain/ca/store";
import { certificateViewSelect, type CertificateView, toCertificateView } from "@/lib/domain/certificates/view";
import { AppError } from "@/lib/domain/errors";
import { canReadFrontdoor } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import { frontdoorFor } from "@/lib/domain/access/scope";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type CertificateStatus, type ListCertificatesQuery, listCertificatesQuerySchema } from "@/lib/validation/certificates";
import { type Page, pageOf } from "@/lib/validation/paging";
import { parseInput } from "@/lib/validation/parse";

function statusWhere(status: CertificateStatus, now: Date): Prisma.ClientCertificateWhereInput {
  switch (status) {
    case "revoked":
      return { revokedAt: { not: null } };
    case "expired":
      return { revokedAt: null, notAfter: { lte: now } };
    case "valid":
      return { revokedAt: null, notAfter: { gt: now } };
  }
}

/**
 * Whether a string can be a certificate's id (`cert-<uuid>`). Anything else names none and
 * is not looked up: a NUL in it failed the query (PostgreSQL text cannot hold one), a 500.
 */
export function isCertificateId(id: string): boolean {
  return /^cert-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);
}

/** One certificate of a Frontdoor, with its PEM and the CA chain. */
export async function getCertificate(principal: Principal, frontdoorId: string, certificateId: string): Promise<CertificateView> {
  const frontdoor = await frontdoorFor(principal, frontdoorId, "read");
  if (!isCertificateId(certificateId)) throw new AppError("certificate_not_found", `No certificate ${certificateId} on this Frontdoor.`);
  const row = await getDb().clientCertificate.findFirst({ where: { id: certificateId, frontdoorId: frontdoor.id }, select: certificateViewSelect });
  if (!row) throw new AppError("certificate_not_found", `No certificate ${certificateId} on this Frontdoor.`);
  return toCertificateView(row, await issuerChainPem(row.issuerId));
}

/** A certificate by id alone (console links); ones on Frontdoors the caller may not see are not found. */
export async function findCertificate(principal: Principal, certificateId: string): Promise<CertificateView> {
  if (!isCertificateId(certificateId)) throw new AppError("certificate_not_found", `No certificate ${certificateId}.`);
  const row = await getDb().clientCertificate.findUnique({ where: { id: certificateId }, select: { frontdoorId: true } });
  if (!row || !canReadFrontdoor(principal, row.frontdoorId)) throw new AppError("certificate_not_found", `No certificate ${certificateId}.`);
  return getCertificate(principal, row.frontdoorId, certificateId);
}

/** A page of a Frontdoor's certificates, filtered by status and searched by CN/O/OU/serial. */
export async function listCertificates(principal: Principal, frontdoorId: string, raw: ListCertificatesQuery = {}): Promise<Page<CertificateView>> {
  const query = parseInput(listCertificatesQuerySchema, raw);
  const frontdoor = await frontdoorFor(principal, frontdoorId, "read");
  const now = new Date();
  const where: Prisma.ClientCertificateWhereInput = {
    frontdoorId: frontdoor.id,
    AND: [
      query.status ? statusWhere(query.status, now) : {},
      query.expiringWithin ? { revokedAt: null, notAfter: { gt: now, lte: new Date(now.getTime() + query.expiringWithin) } } : {},
      query.renewed === undefined ? {} : { renewedAt: query.renewed ? { not: null } : null },
    ],
    ...(query.q
      ? {
          OR: [
            ...(["name", "commonName", "organization", "organizationalUnit"] as const).map((field) => ({
              [field]: { contains: query.q, mode: "insensitive" as const },
            })),
            { serialNumber: { startsWith: query.q.toLowerCase().replace(/:/g, "") } },
          ],
        }
      : {}),
  };
  const db = getDb();
  const [totalElements, rows] = await Promise.all([
    db.clientCertificate.count({ where }),
    db.clientCertificate.findMany({
      where,
      orderBy: [{ [query.sort.field]: query.sort.direction }, { id: query.sort.direction }],
      skip: query.page * query.size,
      take: query.size,
      select: certificateViewSelect,
    }),
  ]);
  // A page holds at most a few issuers (the CAs a rotation left behind); each chain is cached by CA id.
  const chains = new Map(await Promise.all([...new Set(rows.map((r) => r.issuerId))].map(async (id) => [id, await issuerChainPem(id)] as const)));
  return pageOf(rows.map((row) => toCertificateView(row, chains.get(row.issuerId)!, now)), totalElements, query);
}

export type ExpiringCertificate = Omit<CertificateView, "certificate" | "caCertificates">;

/** Valid certificates ending within a time, soonest first, on one Frontdoor or every one the caller sees (scripts, alerts). */
export async function listExpiringCertificates(principal: Principal, options: { frontdoorId?: string; withinMs: number }): Promise<ExpiringCertificate[]> {
  const now = new Date();
  const scope = options.frontdoorId
    ? { frontdoorId: (await frontdoorFor(principal, options.frontdoorId, "read")).id }
    : principal.kind === "user" && principal.role === "operator"
      ? { frontdoorId: { in: [...principal.frontdoorIds] } }
      : {};
  const rows = await getDb().clientCertificate.findMany({
    where: { ...scope, revokedAt: null, notAfter: { gt: now, lte: new Date(now.getTime() + options.withinMs) } },
    select: certificateViewSelect,
    orderBy: [{ notAfter: "asc" }, { id: "asc" }],
  });
  return rows.map((row) => {
    const { certificate: _pem, caCertificates: _chain, ...view } = toCertificateView(row, "", now);
    return view;
  });
}
