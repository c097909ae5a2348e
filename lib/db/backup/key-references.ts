import type pg from "pg";

// A backup carries the rows of CAs whose keys are in a PKCS#11 token (keyStore other than
// `database`): their references, never the keys, which only the token holds. The commands say
// so when there are some; this counts them in the snapshot or the restored rows.

const HOLDERS = ["CertificateAuthority", "PendingIssuingCa"];

/** How many CA keys (made or pending) the database holds only as references to a store outside it; 0 for a schema from before key stores. */
export async function countKeyReferences(client: pg.ClientBase): Promise<number> {
  const { rows: present } = await client.query<{ table: string }>(
    `SELECT "table_name" AS "table" FROM information_schema.columns WHERE "table_schema" = current_schema() AND "column_name" = 'keyStore' AND "table_name" = ANY($1)`,
    [HOLDERS],
  );
  let count = 0;
  for (const { table } of present) {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}" WHERE "keyStore" <> 'database'`);
    count += Number(rows[0]!.n);
  }
  return count;
}
