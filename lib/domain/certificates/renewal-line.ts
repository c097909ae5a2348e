import { getDb } from "@/lib/db";
import { issuerChainPem } from "@/lib/domain/ca/store";
import { type CertificateView, certificateViewSelect, toCertificateView } from "@/lib/domain/certificates/view";
import { AppError, fromPki } from "@/lib/domain/errors";
import { checkCsr } from "@/lib/pki/csr";

// A renewal line: a certificate, the one that renewed it, the one that renewed that, … (each
// is renewed at most once, so a line never forks). Asked again to renew a certificate of the
// line, renewal answers with its newest certificate. That answer is a read: nothing is
// issued and nothing is audited (an unauthenticated replay must not grow the append-only
// log; the issuance it repeats was audited once, as certificate.renewed).

/**
 * The newest certificate of the line that `certificateId` starts, for a CSR of the line's key
 * (checked like any renewal CSR: it parses and its signature verifies). A line whose newest
 * certificate is revoked or expired has ended: certificate_revoked / certificate_expired.
 */
export async function newestOfLine(input: { frontdoorId: string; certificateId: string; csrPem: string; assertKey: (spkiDer: Uint8Array) => void }): Promise<CertificateView> {
  input.assertKey(fromPki(() => checkCsr(input.csrPem)).spkiDer);
  // One statement follows the line to its end: renewedFromId is unique, so each step is an index read.
  const [newest] = await getDb().$queryRaw<{ id: string }[]>`
    WITH RECURSIVE line ("id", "depth") AS (
      SELECT ${input.certificateId}::text, 0
      UNION ALL
      SELECT c."id", line."depth" + 1
        FROM "ClientCertificate" AS c JOIN line ON c."renewedFromId" = line."id"
       WHERE c."frontdoorId" = ${input.frontdoorId}::uuid
    )
    SELECT "id" FROM line WHERE "depth" > 0 ORDER BY "depth" DESC LIMIT 1`;
  const row = newest && (await getDb().clientCertificate.findFirst({ where: { id: newest.id, frontdoorId: input.frontdoorId }, select: certificateViewSelect }));
  if (!row) throw new AppError("certificate_already_renewed", "This certificate was renewed already, and its successor is gone.");
  if (row.revokedAt) throw new AppError("certificate_revoked", `This certificate was renewed; the newest certificate of its line (${row.id}) is revoked. Ask for a new token.`);
  if (row.notAfter.getTime() <= Date.now()) throw new AppError("certificate_expired", `This certificate was renewed; the newest certificate of its line (${row.id}) expired at ${row.notAfter.toISOString()}. Ask for a new token.`);
  return toCertificateView(row, await issuerChainPem(row.issuerId));
}
