import { getDb } from "@/lib/db";
import { AppError } from "@/lib/domain/errors";
import { canReadFrontdoor } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import { snapshotTokenTotal } from "@/lib/domain/dashboard";
import { frontdoorFor } from "@/lib/domain/access/scope";
import { type ApprovalAnswer, approvalsOf } from "@/lib/domain/tokens/approvals";
import { statusWhere } from "@/lib/domain/tokens/status";
import { statusSql } from "@/lib/domain/tokens/status-sql";
import { type TokenView, toTokenView, tokenViewSelect } from "@/lib/domain/tokens/view";
import { Prisma } from "@/lib/generated/prisma/client";
import { type Page, pageOf } from "@/lib/validation/paging";
import { parseInput } from "@/lib/validation/parse";
import { type ListTokensQuery, listTokensQuerySchema } from "@/lib/validation/tokens";


/** One token, as lists show it plus its approvals (who, when, decision, comment). */
export type TokenDetail = TokenView & { approvals: ApprovalAnswer[] };

/** One token of a Frontdoor. */
export async function getToken(principal: Principal, frontdoorId: string, tokenId: string): Promise<TokenDetail> {
  const frontdoor = await frontdoorFor(principal, frontdoorId, "read");
  const row = await getDb().certificateRequestToken.findFirst({
    where: { id: tokenId, frontdoorId: frontdoor.id },
    select: tokenViewSelect,
  });
  if (!row) throw new AppError("token_not_found", `No token ${tokenId} on this Frontdoor.`);
  // Only a token that ever needed approval has answers to read.
  return { ...toTokenView(row), approvals: row.approvalsRequired > 0 ? await approvalsOf(tokenId) : [] };
}

/** A token by id alone (console links); tokens of Frontdoors the caller may not see are not found. */
export async function findToken(principal: Principal, tokenId: string): Promise<TokenDetail> {
  const row = await getDb().certificateRequestToken.findUnique({ where: { id: tokenId }, select: { frontdoorId: true } });
  if (!row || !canReadFrontdoor(principal, row.frontdoorId)) throw new AppError("token_not_found", `No token ${tokenId}.`);
  return getToken(principal, row.frontdoorId, tokenId);
}

const SEARCH_FIELDS = ["name", "commonName", "organization", "organizationalUnit"] as const;
/** A search matching at most this many tokens is answered from the trigram indexes. */
const SPECIFIC_SEARCH = 1000;

/**
 * The search filter. A specific search (few matches: a device's name, a CN) is found
 * through the trigram indexes first, without ORDER BY, because with a LIMIT the planner
 * would rather walk the creation-time index and filter, which reads the whole table when
 * only one row matches. A broad search (many matches) keeps the plain filter: walking the
 * sort index finds a page of matches quickly when they are everywhere.
 */
async function searchWhere(frontdoorId: string, q: string, status: Prisma.Sql | null): Promise<Prisma.CertificateRequestTokenWhereInput> {
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await getDb().$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "CertificateRequestToken"
     WHERE "frontdoorId" = ${frontdoorId}::uuid ${status ? Prisma.sql`AND ${status}` : Prisma.empty}
       AND (${Prisma.join(SEARCH_FIELDS.map((f) => Prisma.sql`${Prisma.raw(`"${f}"`)} ILIKE ${pattern}`), " OR ")})
     LIMIT ${SPECIFIC_SEARCH + 1}`;
  if (rows.length <= SPECIFIC_SEARCH) return { id: { in: rows.map((r) => r.id) } };
  return { OR: SEARCH_FIELDS.map((field) => ({ [field]: { contains: q, mode: "insensitive" as const } })) };
}

/** The filter and order of a token list (validated, the caller's access checked): one page of it, or the export's all. */
export async function tokenSelection(principal: Principal, frontdoorId: string, raw: ListTokensQuery = {}) {
  const query = parseInput(listTokensQuerySchema, raw);
  const frontdoor = await frontdoorFor(principal, frontdoorId, "read");
  const now = new Date();
  // AND, not spread: the status rule and a broad search may each be an OR of their own.
  const where: Prisma.CertificateRequestTokenWhereInput = {
    frontdoorId: frontdoor.id,
    AND: [query.status ? statusWhere(query.status, now) : {}, query.q ? await searchWhere(frontdoor.id, query.q, query.status ? statusSql(query.status, now) : null) : {}],
  };
  const { field, direction } = query.sort;
  // A stable tie-breaker keeps pages disjoint when many rows share the sort value.
  const orderBy: Prisma.CertificateRequestTokenOrderByWithRelationInput[] = [
    field === "redeemedAt" || field === "commonName" ? { [field]: { sort: direction, nulls: "last" } } : { [field]: direction },
    { id: direction },
  ];
  return { query, frontdoor, now, where, orderBy };
}

/** A page of a Frontdoor's tokens: status filter, search over name/CN/O/OU, sorting. */
export async function listTokens(principal: Principal, frontdoorId: string, raw: ListTokensQuery = {}): Promise<Page<TokenView>> {
  const { query, frontdoor, now, where, orderBy } = await tokenSelection(principal, frontdoorId, raw);
  const db = getDb();
  const page = () => db.certificateRequestToken.findMany({ where, orderBy, skip: query.page * query.size, take: query.size, select: tokenViewSelect });
  // A large Frontdoor's unsearched total comes from the schedule's recount instead of
  // counting hundreds of thousands of rows on every page (see snapshotTokenTotal).
  const recounted = query.q ? null : await snapshotTokenTotal(frontdoor.id, query.status);
  const [totalElements, rows] = recounted !== null ? [recounted, await page()] : await db.$transaction([db.certificateRequestToken.count({ where }), page()]);
  return pageOf(rows.map((row) => toTokenView(row, now)), totalElements, query);
}
