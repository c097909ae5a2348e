import { getDb } from "@/lib/db";
import { issuerById } from "@/lib/domain/ca/store";
import { frontdoorCas } from "@/lib/domain/ca/trust";
import { cachedOcspReply, cacheOcspReply, ocspCacheKey } from "@/lib/domain/certificates/ocsp-cache";
import { AppError } from "@/lib/domain/errors";
import { buildOcspResponse, ocspError, OCSPResponseStatus, type OcspAnswer, ocspQuestions, parseOcspRequest } from "@/lib/pki/ocsp";
import { metrics } from "@/lib/observability/metrics";
import { uuidSchema } from "@/lib/validation/common";

// The Frontdoor's OCSP responder: answers are read from the certificates table (one read
// for every serial in the request) and signed at once, so a revocation is visible from its
// commit on. Each answer is signed by the CA that issued the certificate: the request's
// CertID (issuer name and key hashes) picks it among the Frontdoor's CAs in use (after a
// CA rotation, the old one answers for its certificates until the last of them expires).
// A response has one signer: the CA the first question names; questions about other CAs,
// and serials a CA never issued, are "unknown". The request's bounds (10 CertIDs, a nonce of
// 1–32 octets, at most 1 KiB of hash-algorithm parameters) are checked on its bytes alone, before any read or signature; answers without
// a nonce come from a per-process cache for up to a minute, checked against the Frontdoor's
// revocation state in PostgreSQL before each use (ocsp-cache.ts).

/** How long a relying party may reuse an answer (nextUpdate − thisUpdate). */
export const OCSP_VALIDITY_MS = 60 * 60_000;

export type OcspReply = { der: Uint8Array; thisUpdate: Date; nextUpdate: Date; isCacheable: boolean };

/**
 * The Frontdoor's revocation state: its CAs' CRL numbers, which every revocation bumps in
 * its own transaction. One indexed read; a cached answer is served only under the same state.
 */
async function revocationState(frontdoorId: string): Promise<string> {
  const [row] = await getDb().$queryRaw<{ state: string | null }[]>`
    SELECT string_agg(ca."id"::text || ':' || ca."crlNumber"::text, ',' ORDER BY ca."id") AS state
      FROM "CertificateAuthority" AS ca WHERE ca."frontdoorId" = ${frontdoorId}::uuid`;
  return row?.state ?? "";
}

/** Answers a DER OCSP request for a Frontdoor; `beforeSigning` runs (and may refuse) when the answer is not in the cache. */
export async function answerOcsp(frontdoorId: string, requestDer: Uint8Array, beforeSigning: () => Promise<void> = async () => {}): Promise<OcspReply> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  const request = parseOcspRequest(requestDer);
  if (!request) {
    const now = new Date();
    return { der: ocspError(OCSPResponseStatus.malformedRequest), thisUpdate: now, nextUpdate: now, isCacheable: false };
  }
  const cacheKey = request.nonce === null ? ocspCacheKey(frontdoorId, requestDer) : null;
  // Read before the certificates: a revocation committed after this read changes it, so an
  // answer made from older reads is never served once the next request reads it again.
  const validator = cacheKey === null ? "" : await revocationState(frontdoorId);
  const cached = cacheKey === null ? undefined : cachedOcspReply(cacheKey, validator);
  if (cached) return cached;
  await beforeSigning();

  // One read: the Frontdoor exists and which of its CAs are in use (newest, the current one, first).
  const inUse = (await frontdoorCas(frontdoorId)).cas.filter((ca) => ca.isInUse);
  const issuers = await Promise.all(inUse.map((ca) => issuerById(ca.id)));
  const thisUpdate = new Date();
  const nextUpdate = new Date(thisUpdate.getTime() + OCSP_VALIDITY_MS);
  const questions = ocspQuestions(request, issuers);

  const issuer = questions[0]?.issuer ?? issuers[0]!;
  const serials = questions.filter((q) => q.issuer === issuer).map((q) => q.serialNumber);
  const rows = serials.length
    ? await getDb().clientCertificate.findMany({
        where: { frontdoorId, issuerId: issuer.id, serialNumber: { in: serials } },
        select: { serialNumber: true, revokedAt: true, revocationReason: true },
      })
    : [];
  const bySerial = new Map(rows.map((r) => [r.serialNumber, r]));
  const answers = questions.map(({ certId, serialNumber, issuer: named }) => {
    const row = named === issuer ? bySerial.get(serialNumber) : undefined;
    const answer: OcspAnswer = !row ? { status: "unknown" } : row.revokedAt ? { status: "revoked", revokedAt: row.revokedAt, reason: row.revocationReason } : { status: "good" };
    return { certId, answer };
  });
  let der: Uint8Array;
  try {
    der = await buildOcspResponse({ issuer, answers, nonce: request.nonce, thisUpdate, nextUpdate });
  } catch (error) {
    metrics().signingErrors.inc({ kind: "ocsp" });
    throw error;
  }
  // A nonce makes the answer unique to its request: caches must not hand it to others.
  const reply = { der, thisUpdate, nextUpdate, isCacheable: request.nonce === null };
  if (cacheKey !== null) cacheOcspReply(cacheKey, validator, reply);
  return reply;
}
