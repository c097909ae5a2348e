import { getDb } from "@/lib/db";
import { issuerFor } from "@/lib/domain/ca";
import { AppError } from "@/lib/domain/errors";
import { buildOcspResponse, ocspError, OCSPResponseStatus, type OcspAnswer, readOcspRequest } from "@/lib/pki/ocsp";
import { uuidSchema } from "@/lib/validation/common";
import { metrics } from "@/lib/observability/metrics";

// The Frontdoor's OCSP responder: answers are read from the certificates table (one read
// for every serial in the request) and signed by the Frontdoor's issuing CA at once, so a
// revocation is visible from its commit on. A serial this CA never issued is "unknown".

/** How long a relying party may reuse an answer (nextUpdate − thisUpdate). */
export const OCSP_VALIDITY_MS = 60 * 60_000;

export type OcspReply = { der: Uint8Array; thisUpdate: Date; nextUpdate: Date; isCacheable: boolean };

/** Answers a DER OCSP request for a Frontdoor. */
export async function answerOcsp(frontdoorId: string, requestDer: Uint8Array): Promise<OcspReply> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  const frontdoor = await getDb().frontdoor.findUnique({ where: { id: frontdoorId }, select: { id: true } });
  if (!frontdoor) throw new AppError("frontdoor_not_found");
  const issuer = await issuerFor(frontdoorId);
  const thisUpdate = new Date();
  const nextUpdate = new Date(thisUpdate.getTime() + OCSP_VALIDITY_MS);
  const request = readOcspRequest(requestDer, issuer);
  if (!request) return { der: ocspError(OCSPResponseStatus.malformedRequest), thisUpdate, nextUpdate, isCacheable: false };

  const serials = request.questions.filter((q) => q.isThisIssuer).map((q) => q.serialNumber);
  const rows = serials.length
    ? await getDb().clientCertificate.findMany({
        where: { frontdoorId, issuerId: issuer.id, serialNumber: { in: serials } },
        select: { serialNumber: true, revokedAt: true, revocationReason: true },
      })
    : [];
  const bySerial = new Map(rows.map((r) => [r.serialNumber, r]));
  const answers = request.questions.map(({ certId, serialNumber, isThisIssuer }) => {
    const row = isThisIssuer ? bySerial.get(serialNumber) : undefined;
    const answer: OcspAnswer = !row ? { status: "unknown" } : row.revokedAt ? { status: "revoked", revokedAt: row.revokedAt, reason: row.revocationReason } : { status: "good" };
    return { certId, answer };
  });
  let der: Uint8Array;
  try {
    der = buildOcspResponse({ issuer, answers, nonce: request.nonce, thisUpdate, nextUpdate });
  } catch (error) {
    metrics().signingErrors.inc({ kind: "ocsp" });
    throw error;
  }
  // A nonce makes the answer unique to its request: caches must not hand it to others.
  return { der, thisUpdate, nextUpdate, isCacheable: request.nonce === null };
}
