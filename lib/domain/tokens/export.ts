import { csvRow } from "@/lib/format/csv";
import { getDb } from "@/lib/db";
import type { Principal } from "@/lib/domain/access/principal";
import { tokenSelection } from "@/lib/domain/tokens/read";
import { type TokenView, toTokenView, tokenViewSelect } from "@/lib/domain/tokens/view";
import { SAN_CSV_COLUMNS, type SanCsvColumn } from "@/lib/validation/subject-alt-names";
import type { ListTokensQuery } from "@/lib/validation/tokens";

const COLUMNS = ["id", "name", "status", "commonName", "organization", "organizationalUnit", "tokenHint", "createdBy", "createdAt", "expiresAt", "redeemedAt", "revokedAt", "revokedBy", "validDays", "clientCertificateId"] as const;

/** The SANs last, in the batch CSV's columns and form (space-separated), so an export reads like an import. */
const SAN_COLUMNS = Object.keys(SAN_CSV_COLUMNS) as SanCsvColumn[];

/** Rows read per statement: a Frontdoor of 100,000 tokens is 100 statements, each from where the last ended. */
export const EXPORT_BATCH = 1000;

/**
 * Every token matching the list's filter, as CSV (never a secret: the list has none),
 * streamed: the filter and the caller's access are checked before the stream is returned (a
 * refusal is still an error answer), then rows are read in batches with Prisma's cursor, so
 * neither the memory nor the time per batch grows with the Frontdoor (offset paging with a
 * count per page took minutes for a large one and held its memory whole).
 */
export async function tokensCsvStream(principal: Principal, frontdoorId: string, query: Omit<ListTokensQuery, "page" | "size"> = {}): Promise<ReadableStream<Uint8Array>> {
  const { where, orderBy, now } = await tokenSelection(principal, frontdoorId, query);
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  let isHeaderSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!isHeaderSent) {
        isHeaderSent = true;
        return controller.enqueue(encoder.encode(csvRow([...COLUMNS, ...SAN_COLUMNS])));
      }
      const rows = await getDb().certificateRequestToken.findMany({
        where, orderBy, take: EXPORT_BATCH, select: tokenViewSelect, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      });
      const line = (token: TokenView) => csvRow([...COLUMNS.map((c) => token[c]), ...SAN_COLUMNS.map((c) => (token.subjectAltNames[SAN_CSV_COLUMNS[c]] ?? []).join(" "))]);
      if (rows.length > 0) controller.enqueue(encoder.encode(rows.map((row) => line(toTokenView(row, now))).join("")));
      cursor = rows.at(-1)?.id;
      if (rows.length < EXPORT_BATCH) controller.close();
    },
  });
}
