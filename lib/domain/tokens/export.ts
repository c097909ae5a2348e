import { csvRow } from "@/lib/csv";
import type { Principal } from "@/lib/domain/principal";
import { listTokens } from "@/lib/domain/tokens/read";
import type { ListTokensQuery } from "@/lib/validation/tokens";

const COLUMNS = ["id", "name", "status", "commonName", "organization", "organizationalUnit", "tokenHint", "createdBy", "createdAt", "expiresAt", "redeemedAt", "revokedAt", "revokedBy", "validDays", "clientCertificateId"] as const;

/** Every token matching the list's filter, as CSV (never a secret: the list has none). */
export async function tokensCsv(principal: Principal, frontdoorId: string, query: Omit<ListTokensQuery, "page" | "size"> = {}): Promise<string> {
  let out = csvRow([...COLUMNS]);
  for (let page = 0; ; page++) {
    const result = await listTokens(principal, frontdoorId, { ...query, page, size: 100 });
    for (const token of result.content) out += csvRow(COLUMNS.map((c) => token[c]));
    if (page + 1 >= result.totalPages) break;
  }
  return out;
}
