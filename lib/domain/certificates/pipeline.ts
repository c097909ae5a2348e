import { randomUUID } from "node:crypto";
import { getDb } from "@/lib/db";
import { type AuditActor, AUDIT_COLUMNS, type AuditInput, auditValuesSql } from "@/lib/domain/audit";
import { type CaIssuer, issuerById } from "@/lib/domain/ca";
import { type CertificateView, certificateStatus } from "@/lib/domain/certificates/view";
import type { AppError } from "@/lib/domain/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { checkCsr, type KeyAlgorithm, type SubjectFields, subjectFor } from "@/lib/pki/csr";
import { issueClientCertificate } from "@/lib/pki/issue";
import { pointerExtensions, pointersFor } from "@/lib/pki/pointers";
import { env } from "@/lib/env";
import { metrics } from "@/lib/observability/metrics";

// One issuing pipeline behind every door. A door (redemption by token, later renewal and
// EST) is an authorizer: it says who asks, which subject and lifetime they may have, and
// how to claim the right to this certificate. The pipeline checks the CSR, signs (outside
// any transaction), then claims, stores and audits in ONE statement: a CTE whose claim
// returns a row only while the claim holds, the certificate insert reads from that row,
// and the audit insert from the certificate's. Either all of it commits or none of it, with
// no lock held across round trips, on any number of instances (step-ca's provisioners are
// the model: AuthorizeSign, then one signing path).

export type IssuedFacts = { id: string; serialNumber: string; commonName: string; keyAlgorithm: KeyAlgorithm; notBefore: Date; notAfter: Date };

export type Authorization = {
  frontdoorId: string;
  /** The Frontdoor's current issuing CA, as the authorizer read it with its own statement (never from a cache). */
  caId: string;
  /** The certificate's name (the token's). */
  name: string;
  tokenId: string | null;
  /** Set by renewal: the certificate the new one renews (stored on the new row). */
  renewedFromId?: string;
  /** Where the certificate's CRL/OCSP/CA pointers lead (publicUrl() of the request). */
  publicUrl: string;
  /** A check of the CSR's key before anything is signed (renewal: the same key as before). */
  assertKey?: (spkiDer: Uint8Array) => void;
  /** Pre-approved subject: a field set here wins over the CSR's. */
  subject: SubjectFields;
  validDays: number;
  actor: AuditActor;
  /** The body of the CTE "claim": one row while this issuance may go ahead, none once it lost. */
  claim: (certificateId: string, now: Date) => Prisma.Sql;
  /** The audit events of a successful issuance. */
  events: (issued: IssuedFacts) => AuditInput[];
  /** Why the claim found no row (read only then). */
  explainLostClaim: () => Promise<AppError>;
};

const pointerCache = new Map<string, Buffer[]>();

/**
 * The CRL and OCSP pointer extensions of an issuing CA's certificates at `base`. Those at the
 * configured address are made once per process and CA; others (PUBLIC_URL unset, a
 * request's own address) each time, so that no client can grow the cache by sending new Host headers.
 */
function pointersOf(frontdoorId: string, issuer: CaIssuer, base: string): Buffer[] {
  if (base !== env.PUBLIC_URL) return pointerExtensions(pointersFor(base, frontdoorId, issuer));
  let extensions = pointerCache.get(issuer.id);
  if (!extensions) {
    extensions = pointerExtensions(pointersFor(base, frontdoorId, issuer));
    pointerCache.set(issuer.id, extensions);
  }
  return extensions;
}

/** Checks the CSR, signs, and claims/stores/audits in one statement. */
export async function issueCertificate(auth: Authorization, csrPem: string): Promise<CertificateView> {
  const csr = checkCsr(csrPem);
  auth.assertKey?.(csr.spkiDer);
  const subject = subjectFor(auth.subject, csr.subject);
  const issuer = await issuerById(auth.caId);
  if (issuer.frontdoorId !== auth.frontdoorId) throw new Error(`CA ${auth.caId} is not an issuing CA of Frontdoor ${auth.frontdoorId}.`);
  const issued = issueClientCertificate({ issuer, spkiDer: csr.spkiDer, isRsa: csr.isRsa, subject, validDays: auth.validDays, extraExtensions: pointersOf(auth.frontdoorId, issuer, auth.publicUrl) });
  const id = `cert-${randomUUID()}`;
  const now = new Date();
  const facts: IssuedFacts = { id, serialNumber: issued.serialNumber, commonName: subject.commonName, keyAlgorithm: csr.keyAlgorithm, notBefore: issued.notBefore, notAfter: issued.notAfter };

  const stored = await getDb().$queryRaw<{ createdAt: Date }[]>`
    WITH claim AS (${auth.claim(id, now)}),
    cert AS (
      INSERT INTO "ClientCertificate" ("id", "frontdoorId", "issuerId", "name", "commonName", "organization", "organizationalUnit",
                                       "serialNumber", "fingerprintSha256", "keyAlgorithm", "notBefore", "notAfter", "certificatePem", "createdAt", "renewedFromId")
      SELECT ${id}, ${auth.frontdoorId}::uuid, ${issuer.id}::uuid, ${auth.name}, ${subject.commonName}, ${subject.organization}, ${subject.organizationalUnit},
             ${issued.serialNumber}, ${issued.fingerprintSha256}, ${csr.keyAlgorithm}, ${issued.notBefore}::timestamptz, ${issued.notAfter}::timestamptz, ${issued.pem}, ${now}::timestamptz,
             ${auth.renewedFromId ?? null}
        FROM claim
      RETURNING "createdAt"
    ),
    audit AS (
      INSERT INTO "AuditEvent" (${AUDIT_COLUMNS})
      SELECT v.* FROM (${auditValuesSql(auth.actor, auth.events(facts), now)}) AS v CROSS JOIN cert
    )
    SELECT "createdAt" FROM cert`;
  if (stored.length === 0) throw await auth.explainLostClaim();
  metrics().certificatesIssued.inc({ how: auth.renewedFromId ? "renewed" : "redeemed" });

  return {
    id,
    name: auth.name,
    frontdoorId: auth.frontdoorId,
    tokenId: auth.tokenId,
    commonName: subject.commonName,
    organization: subject.organization,
    organizationalUnit: subject.organizationalUnit,
    serialNumber: issued.serialNumber,
    fingerprintSha256: issued.fingerprintSha256,
    keyAlgorithm: csr.keyAlgorithm,
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
    status: certificateStatus({ revokedAt: null, notAfter: issued.notAfter }, now),
    createdAt: stored[0]!.createdAt,
    revokedAt: null,
    revokedBy: null,
    revocationReason: null,
    renewedFromId: auth.renewedFromId ?? null,
    renewedById: null,
    certificate: issued.pem,
    caCertificates: issuer.chainPem,
  };
}
